"""The tiny workflow through profiles/slurm on a real single-node SLURM on localhost.

It needs root on Debian (to apt-get install munge and SLURM, and to run the daemons); elsewhere
it is skipped with the reason. The cluster's slurm.conf lives in a temporary folder (SLURM_CONF).
Job steps (srun inside a batch job) do not see SLURM_CONF and read /etc/slurm/slurm.conf, so
that path is linked to the test's file while the test runs, only if no file is there, and
removed afterwards; a machine with its own SLURM configuration is left alone (skipped).
The partitions are named like the profile's (cpu, gpu) and the node offers one GPU as a generic
resource, so the profile runs unmodified, its GPU request for training included. Every daemon
started here is stopped by PID afterwards.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from isingml.io import shards

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slurm
PACKAGES = ["munge", "slurmctld", "slurmd", "slurm-client"]


def run(*cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def install():
    if shutil.which("slurmctld") and shutil.which("munged") and shutil.which("sbatch"):
        return
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    res = run("apt-get", "install", "-y", "-q", *PACKAGES, env=env)
    if res.returncode != 0:
        run("apt-get", "update", "-q", env=env)
        res = run("apt-get", "install", "-y", "-q", *PACKAGES, env=env)
    if res.returncode != 0:
        pytest.skip(f"cannot install SLURM with apt-get: {res.stderr[-300:]}")


def start_munge(procs):
    key = Path("/etc/munge/munge.key")
    if not key.exists():
        run("mungekey", "--create")
        shutil.chown(key, "munge", "munge")
    for d in ("/run/munge", "/var/log/munge", "/var/lib/munge"):
        Path(d).mkdir(parents=True, exist_ok=True)
        shutil.chown(d, "munge", "munge")
    if run("munge", "-n").returncode == 0:
        return  # already running
    procs.append(subprocess.Popen(["runuser", "-u", "munge", "--", "munged", "--foreground"]))
    for _ in range(50):
        if run("munge", "-n").returncode == 0:
            return
        time.sleep(0.1)
    raise RuntimeError("munged did not start")


def slurm_conf(folder):
    host = socket.gethostname()
    node = run("slurmd", "-C").stdout.split("\n")[0].split()
    fields = dict(f.split("=", 1) for f in node if "=" in f)
    memory = max(1000, int(int(fields.get("RealMemory", "4000")) * 0.8))
    # A cluster node offers many CPUs; declare such a node (config_overrides lets slurmd accept
    # more CPUs than this machine has), as the cluster a user submits to would.
    cpus = max(16, int(fields.get("CPUs", "2")))
    for d in ("ctld", "d"):
        (folder / d).mkdir()
    # slurmd counts GPUs by their device files; /dev/null stands in for the one fake GPU.
    (folder / "gres.conf").write_text(f"NodeName={host} Name=gpu File=/dev/null\n")
    conf = folder / "slurm.conf"
    conf.write_text(f"""ClusterName=isingmltest
SlurmctldHost={host}
AuthType=auth/munge
SlurmUser=root
StateSaveLocation={folder}/ctld
SlurmdSpoolDir={folder}/d
SlurmctldPidFile={folder}/slurmctld.pid
SlurmdPidFile={folder}/slurmd.pid
SlurmctldLogFile={folder}/slurmctld.log
SlurmdLogFile={folder}/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=500
GresTypes=gpu
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
SlurmdParameters=config_overrides
SlurmctldPort=16817
SlurmdPort=16818
NodeName={host} CPUs={cpus} RealMemory={memory} Gres=gpu:1 State=UNKNOWN
PartitionName=cpu Nodes={host} Default=YES MaxTime=INFINITE State=UP
PartitionName=gpu Nodes={host} MaxTime=INFINITE State=UP
""")
    return conf


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    if os.geteuid() != 0 or not Path("/etc/debian_version").exists() or not shutil.which("apt-get"):
        pytest.skip("a local SLURM needs root on Debian")
    install()
    procs = []
    folder = tmp_path_factory.mktemp("slurm")
    conf = slurm_conf(folder)
    env = {**os.environ, "SLURM_CONF": str(conf)}
    default = Path("/etc/slurm/slurm.conf")
    if default.exists() or default.is_symlink():
        pytest.skip(f"{default} exists: this machine has its own SLURM; not touching it")
    default.parent.mkdir(parents=True, exist_ok=True)
    default.symlink_to(conf)
    try:
        start_munge(procs)
        procs.append(subprocess.Popen(["slurmctld", "-D", "-f", str(conf)], env=env))
        time.sleep(1)
        procs.append(subprocess.Popen(["slurmd", "-D", "-f", str(conf)], env=env))
        for _ in range(100):
            state = run("sinfo", "-h", "-o", "%T", env=env).stdout
            if "idle" in state:
                break
            time.sleep(0.3)
        else:
            log = (
                (folder / "slurmctld.log").read_text()[-2000:]
                if (folder / "slurmctld.log").exists()
                else ""
            )
            raise RuntimeError(f"the SLURM node did not come up: {state!r}\n{log}")
        yield env
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in reversed(procs):
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
        default.unlink(missing_ok=True)


def test_tiny_workflow_runs_as_slurm_jobs(cluster, tmp_path):
    config = yaml.safe_load((REPO / "tests/data/tiny_config.yaml").read_text())
    config["confusion"]["enabled"] = False
    config["studies"].update(rg=False, pca=False)
    config["temperatures"] = [1.4, 1.8, 2.2, 2.6, 3.0]  # the window's two sides, and T_c's
    config["training"]["windows"] = config["training"]["windows"][:1]
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config))
    env = {**cluster, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    cmd = [sys.executable, "-m", "snakemake", "--snakefile", str(REPO / "Snakefile"),
           "--directory", str(tmp_path), "--profile", str(REPO / "profiles/slurm"),
           "--jobs", "4", "--slurm-init-seconds-before-status-checks", "2",
           "--seconds-between-status-checks", "2"]  # fmt: skip
    try:
        res = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
    except subprocess.TimeoutExpired as exc:
        queue = run("squeue", "-o", "%i %P %T %r %C", env=cluster).stdout
        pytest.fail(f"the workflow did not finish in 10 minutes; squeue:\n{queue}\n{exc}")
    out = res.stdout + res.stderr
    assert res.returncode == 0, out[-5000:]
    assert (tmp_path / "results/summary.csv").exists()
    shards.read_shard(tmp_path / "data/lattices/L8/T2.2000.h5")
    # The jobs ran as SLURM jobs: the plugin reports each sbatch job id with the rule it runs
    # (it deletes the logs of successful jobs, so the report is the record).
    submitted = re.findall(r"submitted with SLURM jobid (\d+) \(log: [^)]*slurm_logs/(\w+)", out)
    rules = {rule for _, rule in submitted}
    assert {"rule_simulate", "rule_binder_grid", "rule_train", "rule_features"} <= rules, rules
    assert len({jobid for jobid, _ in submitted}) == len(submitted) >= 10
