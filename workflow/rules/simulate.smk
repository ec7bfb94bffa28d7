rule simulate:
    output:
        "data/{grid}/L{L}/T{T}.h5",
    log:
        "results/logs/simulate/{grid}/L{L}/T{T}.log",
    benchmark:
        "results/benchmarks/simulate/{grid}/L{L}/T{T}.tsv"
    conda:
        "../envs/isingml.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=60,
    params:
        flags=get_simulate_flags,
        seed=config["seed"],
        algorithm=config["algorithm"],
        thermalize=config["thermalize"],
    shell:
        "NUMBA_NUM_THREADS=1 isingml simulate --L {wildcards.L} --T {wildcards.T}"
        " {params.flags} --seed {params.seed} --algorithm {params.algorithm}"
        " --thermalize {params.thermalize} --out {output} 2> {log}"


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
