# XLA on the CPU would otherwise spread every job over all cores; Snakemake already runs
# one job per core, so each job keeps to its own thread(s). JAX's persistent compilation cache
# lets the ~100 network jobs share their compiled steps (13.9 s -> 6.0 s for a small job,
# with identical parameters).
JAX_ENV = (
    "XLA_FLAGS='--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads={threads}'"
    " JAX_COMPILATION_CACHE_DIR=results/.jax-cache JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS=0"
)


rule train:
    input:
        get_training_shards,
    output:
        params="results/models/{model}/{window}/L{L}/seed{seed}/params.npz",
        metrics="results/models/{model}/{window}/L{L}/seed{seed}/metrics.json",
    log:
        "results/logs/train/{model}/{window}/L{L}/seed{seed}.log",
    benchmark:
        "results/benchmarks/train/{model}/{window}/L{L}/seed{seed}.tsv"
    params:
        flags=get_train_flags,
        root=config["seed"],
        n=config["samples"],
    threads: 1
    resources:
        mem_mb=4000,
        runtime=120,
    shell:
        JAX_ENV + " isingml train --model {wildcards.model} --L {wildcards.L}"
        " --seed {wildcards.seed} --root-seed {params.root} {params.flags}"
        " --max-per-shard {params.n} --data {input} --out results/models/{wildcards.model}/{wildcards.window}"
        "/L{wildcards.L}/seed{wildcards.seed} 2> {log}"


rule predict:
    input:
        unpack(get_model),
        shards=get_training_shards,
    output:
        "results/predictions/{model}/{window}/L{L}/seed{seed}.h5",
    log:
        "results/logs/predict/{model}/{window}/L{L}/seed{seed}.log",
    params:
        n=config["samples"],
    threads: 1
    resources:
        mem_mb=4000,
        runtime=30,
    shell:
        JAX_ENV + " isingml predict --model-dir $(dirname {input.params})"
        " --max-per-shard {params.n} --data {input.shards} --out {output} 2> {log}"


rule predict_cross:
    input:
        unpack(get_cross_model),
        shards=get_training_shards,
    output:
        "results/predictions/cnn/{window}/L{L}/from_L{Lt}_seed{seed}.h5",
    log:
        "results/logs/predict/cnn/{window}/L{L}/from_L{Lt}_seed{seed}.log",
    params:
        n=config["samples"],
    threads: 1
    resources:
        mem_mb=4000,
        runtime=30,
    shell:
        JAX_ENV + " isingml predict --model-dir $(dirname {input.params})"
        " --max-per-shard {params.n} --data {input.shards} --out {output} 2> {log}"
