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
    conda:
        "../envs/isingml.yaml"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=120,
    params:
        flags=get_train_flags,
        outdir=get_model_dir,
        root=config["seed"],
        n=config["samples"],
    shell:
        "isingml train --model {wildcards.model} --L {wildcards.L} --seed {wildcards.seed}"
        " --root-seed {params.root} {params.flags} --max-per-shard {params.n}"
        " --threads {threads} --jax-cache results/.jax-cache"
        " --data {input} --out {params.outdir} 2> {log}"


rule predict:
    input:
        unpack(get_model),
        shards=get_training_shards,
    output:
        "results/predictions/{model}/{window}/L{L}/from_L{Lt}_seed{seed}.h5",
    log:
        "results/logs/predict/{model}/{window}/L{L}/from_L{Lt}_seed{seed}.log",
    conda:
        "../envs/isingml.yaml"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=30,
    params:
        n=config["samples"],
    shell:
        "isingml predict --model-dir $(dirname {input.params}) --max-per-shard {params.n}"
        " --threads {threads} --jax-cache results/.jax-cache"
        " --data {input.shards} --out {output} 2> {log}"
