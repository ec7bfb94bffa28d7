rule train:
    input:
        get_training_shards,
    output:
        params="results/models/{model}/{window}/L{L}/seed{seed}/params.npz",
        split="results/models/{model}/{window}/L{L}/seed{seed}/split.npz",
        metrics="results/models/{model}/{window}/L{L}/seed{seed}/metrics.json",
        predictions="results/predictions/{model}/{window}/L{L}/seed{seed}.h5",
    log:
        "results/logs/train/{model}/{window}/L{L}/seed{seed}.log",
    benchmark:
        "results/benchmarks/train/{model}/{window}/L{L}/seed{seed}.tsv"
    wildcard_constraints:
        model="|".join(MODELS),
    conda:
        "../envs/isingml.yaml"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=120,
        gpu=0,
    params:
        flags=get_train_flags,
        outdir=get_model_dir,
        root=config["seed"],
    shell:
        "isingml train --model {wildcards.model} --L {wildcards.L} --seed {wildcards.seed}"
        " --root-seed {params.root} {params.flags} --threads {threads} --gpus {resources.gpu}"
        " --jax-cache results/.jax-cache --data {input} --out {params.outdir}"
        " --predictions {output.predictions} 2> {log}"


rule baseline:
    input:
        get_training_shards,
    output:
        "results/predictions/magnetization/{window}/L{L}/seed{seed}.h5",
    log:
        "results/logs/baseline/{window}/L{L}/seed{seed}.log",
    conda:
        "../envs/isingml.yaml"
    params:
        window=get_window_flag,
        root=config["seed"],
    shell:
        "isingml baseline --L {wildcards.L} --seed {wildcards.seed} --root-seed {params.root}"
        " {params.window} --data {input} --out {output} 2> {log}"


rule features:
    input:
        unpack(get_feature_model),
        shards=get_binder_shards,
    output:
        "results/features/cnn/{window}/L{Lt}/seed{seed}.h5",
    log:
        "results/logs/features/{window}/L{Lt}/seed{seed}.log",
    benchmark:
        "results/benchmarks/features/{window}/L{Lt}/seed{seed}.tsv"
    conda:
        "../envs/isingml.yaml"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=60,
        gpu=0,
    params:
        flags=get_features_flags,
    shell:
        "isingml features --model-dir $(dirname {input.params}) --threads {threads}"
        " --gpus {resources.gpu} {params.flags}"
        " --jax-cache results/.jax-cache --shards {input.shards} --out {output} 2> {log}"


rule confusion:
    input:
        get_training_shards,
    output:
        "results/confusion/L{L}/seed{seed}.h5",
    log:
        "results/logs/confusion/L{L}/seed{seed}.log",
    benchmark:
        "results/benchmarks/confusion/L{L}/seed{seed}.tsv"
    conda:
        "../envs/isingml.yaml"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=120,
        gpu=0,
    params:
        flags=get_confusion_flags,
        root=config["seed"],
    shell:
        "isingml confusion --L {wildcards.L} --seed {wildcards.seed} --root-seed {params.root}"
        " {params.flags} --threads {threads} --gpus {resources.gpu}"
        " --jax-cache results/.jax-cache"
        " --data {input} --out {output} 2> {log}"
