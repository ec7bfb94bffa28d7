# The transfer study (studies.transfer; isingml.transfer_layout), included where it is on: CNNs
# trained on another lattice's networks' grid (sampled under that model's own data/ folder),
# then evaluated on this run's Binder grid (transfer_features -> rule ensemble's
# cnn_binder_transfer) and on this run's networks' grid (predict_transfer -> rule transfer).
from isingml.paths import transfer_model_dir, transfer_prediction_path
from isingml.transfer_layout import CURVES_CSV, KERNELS, WINDOWS_CSV

TRANSFER_NETWORK = transfer_model_dir("{transfer_window}", "{L}", "{seed}")
TRANSFER_OWN = transfer_prediction_path(
    TRANSFER.trained_on, "{transfer_window}", "{L}", "{seed}"
)
TRANSFER_HERE = transfer_prediction_path(
    TRANSFER.lattice, "{transfer_window}", "{L}", "{seed}"
)


wildcard_constraints:
    transfer_window="|".join(TRANSFER.windows),


rule compile_transfer_kernels:
    output:
        KERNELS,
    log:
        "results/logs/compile_transfer_kernels.log",
    conda:
        "../envs/isingml.yaml"
    threads: 1
    resources:
        mem_mb=mem_of("compile_transfer_kernels"),
        runtime=runtime_of("compile_transfer_kernels"),
    params:
        model=get_transfer_lattice_flags(),
    shell:
        "NUMBA_NUM_THREADS=1 isingml compile {params.model} --out {output} 2> {log}"


rule simulate_transfer:
    input:
        ancient(KERNELS),
    output:
        # the training model's networks' grid: data/lattices/L{L}/T{T}.h5 for the square
        TRANSFER.shard_pattern,
    log:
        "results/logs/simulate_transfer/L{L}/T{T}.log",
    benchmark:
        "results/benchmarks/simulate_transfer/L{L}/T{T}.tsv"
    conda:
        "../envs/isingml.yaml"
    threads: 1
    resources:
        mem_mb=mem_of("simulate_transfer"),
        runtime=runtime_of("simulate_transfer"),
    params:
        flags=get_transfer_simulate_flags,
        seed=config["seed"],
        algorithm=config["algorithm"],
        thermalize=config["thermalize"],
    shell:
        "NUMBA_NUM_THREADS=1 isingml simulate --L {wildcards.L} --T {wildcards.T}"
        " {params.flags} --seed {params.seed} --algorithm {params.algorithm}"
        " --thermalize {params.thermalize} --out {output} 2> {log}"


rule train_transfer:
    input:
        get_transfer_training_shards,
    output:
        params=member_files(f"{TRANSFER_NETWORK}/params.npz"),
        split=member_files(f"{TRANSFER_NETWORK}/split.npz"),
        metrics=member_files(f"{TRANSFER_NETWORK}/metrics.json"),
        predictions=member_files(TRANSFER_OWN),
    log:
        "results/logs/train_transfer/{transfer_window}/L{L}.log",
    benchmark:
        "results/benchmarks/train_transfer/{transfer_window}/L{L}.tsv"
    conda:
        "../envs/isingml.yaml"
    threads: 1
    resources:
        mem_mb=mem_of("train_transfer"),
        runtime=runtime_of("train_transfer"),
        gpu=0,
    params:
        job=get_transfer_train_job,
        outdir=str(Path(TRANSFER_NETWORK).parent),
        predictions=str(Path(TRANSFER_OWN).parent),
    shell:
        "isingml train --job {params.job:q} --threads {threads} --gpus {resources.gpu}"
        " --jax-cache results/.jax-cache"
        " --data {input} --out {params.outdir} --predictions {params.predictions} 2> {log}"


rule predict_transfer:
    input:
        params=get_transfer_networks,
        shards=get_transfer_evaluation_shards,
    output:
        member_files(TRANSFER_HERE),
    log:
        "results/logs/predict_transfer/{transfer_window}/L{L}.log",
    benchmark:
        "results/benchmarks/predict_transfer/{transfer_window}/L{L}.tsv"
    conda:
        "../envs/isingml.yaml"
    threads: 1
    resources:
        mem_mb=mem_of("predict_transfer"),
        runtime=runtime_of("predict_transfer"),
        gpu=0,
    params:
        job=get_transfer_predict_job,
    shell:
        "isingml transfer --job {params.job:q} --threads {threads} --gpus {resources.gpu}"
        " --jax-cache results/.jax-cache"
        " --model-dir {input.params} --data {input.shards} --out {output} 2> {log}"


rule transfer_features:
    input:
        params=get_transfer_feature_models,
        shards=get_binder_shards,
    output:
        TRANSFER.features(),
    log:
        "results/logs/transfer_features.log",
    benchmark:
        "results/benchmarks/transfer_features.tsv"
    priority: 10
    conda:
        "../envs/isingml.yaml"
    threads: 4
    resources:
        mem_mb=mem_of("transfer_features"),
        runtime=runtime_of("transfer_features"),
        gpu=0,
    params:
        job=get_transfer_features_job,
    shell:
        "isingml features --job {params.job:q} --model-dir {input.params} --threads {threads}"
        " --gpus {resources.gpu} --jax-cache results/.jax-cache"
        " --shards {input.shards} --out {output} 2> {log}"


rule transfer:
    input:
        unpack(get_transfer_predictions),
    output:
        windows=WINDOWS_CSV,
        curves=CURVES_CSV,
    log:
        "results/logs/transfer.log",
    localrule: True
    conda:
        "../envs/isingml.yaml"
    params:
        seed=config["seed"],
    shell:
        "isingml analyze transfer --own {input.own} --here {input.here} --seed {params.seed}"
        " --out {output.windows} --curves {output.curves} 2> {log}"
