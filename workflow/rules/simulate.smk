rule simulate:
    output:
        "data/lattices/L{L}/T{T}.h5",
    log:
        "results/logs/simulate/L{L}/T{T}.log",
    benchmark:
        "results/benchmarks/simulate/L{L}/T{T}.tsv"
    conda:
        "../envs/isingml.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=60,
    params:
        samples=get_samples,
        seed=config["seed"],
        algorithm=config["algorithm"],
        thermalize=config["thermalize"],
    shell:
        "NUMBA_NUM_THREADS=1 isingml simulate --L {wildcards.L} --T {wildcards.T}"
        " --samples {params.samples} --seed {params.seed} --algorithm {params.algorithm}"
        " --thermalize {params.thermalize} --out {output} 2> {log}"


rule observables:
    input:
        get_all_shards,
    output:
        "results/observables/L{L}.csv",
    log:
        "results/logs/observables/L{L}.log",
    conda:
        "../envs/isingml.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    shell:
        "isingml analyze observables --shards {input} --out {output} 2> {log}"
