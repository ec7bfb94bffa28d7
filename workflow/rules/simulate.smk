rule compile_kernels:
    output:
        "results/.kernels-compiled",
    log:
        "results/logs/compile_kernels.log",
    benchmark:
        "results/benchmarks/compile_kernels.tsv"
    conda:
        "../envs/isingml.yaml"
    threads: 1
    resources:
        mem_mb=mem_of("compile_kernels"),
        runtime=runtime_of("compile_kernels"),
    params:
        model=get_lattice_flags(),
    shell:
        "NUMBA_NUM_THREADS=1 isingml compile {params.model} --out {output} 2> {log}"


rule simulate:
    input:
        # Numba's cache filled once, so that concurrent jobs do not all compile the kernels
        # (ancient: a new sentinel never makes finished shards out of date)
        ancient("results/.kernels-compiled"),
    output:
        # data/{grid}/L{L}/T{T}.h5, under data/<model>/ for any but the default model
        LAYOUT.shard_pattern,
    log:
        "results/logs/simulate/{grid}/L{L}/T{T}.log",
    benchmark:
        "results/benchmarks/simulate/{grid}/L{L}/T{T}.tsv"
    conda:
        "../envs/isingml.yaml"
    threads: 1
    resources:
        mem_mb=mem_of("simulate"),
        runtime=runtime_of("simulate"),
    params:
        flags=get_simulate_flags,
        seed=config["seed"],
        algorithm=config["algorithm"],
        thermalize=config["thermalize"],
    shell:
        "NUMBA_NUM_THREADS=1 isingml simulate --L {wildcards.L} --T {wildcards.T}"
        " {params.flags} --seed {params.seed} --algorithm {params.algorithm}"
        " --thermalize {params.thermalize} --out {output} 2> {log}"


# binder.temperatures: auto. The scan places the Binder grid; the jobs that need its
# temperatures (the grid's shards, and binder, features, pca, observables of the grid) ask for
# them through common.smk's binder_layout, so Snakemake holds them until this has run and then
# re-evaluates the DAG. Once its JSON exists it is never rerun, unless the scan's settings change.
checkpoint binder_grid:
    input:
        ancient("results/.kernels-compiled"),
    output:
        grid=GRID_JSON,
    log:
        "results/logs/binder_grid.log",
    benchmark:
        "results/benchmarks/binder_grid.tsv"
    conda:
        "../envs/isingml.yaml"
    threads: 1
    resources:
        mem_mb=mem_of("binder_grid"),
        runtime=runtime_of("binder_grid"),
    params:
        job=get_scan_job,
    shell:
        "NUMBA_NUM_THREADS=1 isingml scan --job {params.job:q} --out {output.grid} 2> {log}"


rule observables:
    input:
        get_grid_shards,
    output:
        "results/observables/{grid}/L{L}.csv",
    log:
        "results/logs/observables/{grid}/L{L}.log",
    conda:
        "../envs/isingml.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    shell:
        "isingml analyze observables --shards {input} --out {output} 2> {log}"
