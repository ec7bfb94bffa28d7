rule train:
    input:
        get_training_shards,
    output:
        params=member_files(
            "results/models/{model}/{window}/L{L}/seed{seed}/params.npz"
        ),
        split=member_files("results/models/{model}/{window}/L{L}/seed{seed}/split.npz"),
        metrics=member_files(
            "results/models/{model}/{window}/L{L}/seed{seed}/metrics.json"
        ),
        predictions=member_files(
            "results/predictions/{model}/{window}/L{L}/seed{seed}.h5"
        ),
    log:
        "results/logs/train/{model}/{window}/L{L}.log",
    benchmark:
        "results/benchmarks/train/{model}/{window}/L{L}.tsv"
    wildcard_constraints:
        model="|".join(MODELS),
    conda:
        "../envs/isingml.yaml"
    threads: 1
    resources:
        mem_mb=mem_of("train"),
        runtime=runtime_of("train"),
        gpu=0,
    params:
        settings=get_train_settings,
        quality=json.dumps(config["training"]["quality"], sort_keys=True),
        window=get_window_flag,
        seeds=" ".join(map(str, SEEDS)),
        outdir="results/models/{model}/{window}/L{L}",
        predictions="results/predictions/{model}/{window}/L{L}",
        root=config["seed"],
    shell:
        "isingml train --model {wildcards.model} --L {wildcards.L} --seeds {params.seeds}"
        " --root-seed {params.root} --settings {params.settings:q} {params.window}"
        " --quality {params.quality:q}"
        " --threads {threads} --gpus {resources.gpu} --jax-cache results/.jax-cache"
        " --data {input} --out {params.outdir} --predictions {params.predictions} 2> {log}"


rule baseline:
    input:
        get_training_shards,
    output:
        member_files("results/predictions/magnetization/{window}/L{L}/seed{seed}.h5"),
    log:
        "results/logs/baseline/{window}/L{L}.log",
    benchmark:
        "results/benchmarks/baseline/{window}/L{L}.tsv"
    conda:
        "../envs/isingml.yaml"
    resources:
        mem_mb=mem_of("baseline"),
        runtime=runtime_of("baseline"),
    params:
        settings=get_baseline_settings,
        window=get_window_flag,
        seeds=" ".join(map(str, SEEDS)),
        root=config["seed"],
    shell:
        "isingml baseline --L {wildcards.L} --seeds {params.seeds} --root-seed {params.root}"
        " --settings {params.settings:q} {params.window} --data {input} --out {output}"
        " 2> {log}"


rule features:
    input:
        params=get_feature_models,
        shards=get_binder_shards,
    output:
        get_features(),
    log:
        "results/logs/features.log",
    benchmark:
        "results/benchmarks/features.tsv"
    # every cnn_binder estimate waits for it: run it as soon as its inputs exist
    priority: 10
    conda:
        "../envs/isingml.yaml"
    # one job evaluates every network on the whole Binder grid, large batches that XLA:CPU
    # spreads over threads (83 s on one thread, 52 s on two, measured on the default run)
    threads: 4
    resources:
        mem_mb=mem_of("features"),
        runtime=runtime_of("features"),
        gpu=0,
    params:
        flags=get_features_flags,
        dirs=get_feature_model_dirs,
    shell:
        "isingml features --model-dir {params.dirs} --threads {threads}"
        " --gpus {resources.gpu} {params.flags} --jax-cache results/.jax-cache"
        " --shards {input.shards} --out {output} 2> {log}"


rule confusion:
    input:
        get_training_shards,
    output:
        member_files("results/confusion/L{L}/seed{seed}.h5", CONFUSION_SEEDS),
    log:
        "results/logs/confusion/L{L}.log",
    benchmark:
        "results/benchmarks/confusion/L{L}.tsv"
    conda:
        "../envs/isingml.yaml"
    threads: 1
    resources:
        mem_mb=mem_of("confusion"),
        runtime=runtime_of("confusion"),
        gpu=0,
    params:
        settings=get_confusion_settings,
        flags=get_confusion_flags,
        seeds=" ".join(map(str, CONFUSION_SEEDS)),
        root=config["seed"],
    shell:
        "isingml confusion --L {wildcards.L} --seeds {params.seeds} --root-seed {params.root}"
        " --settings {params.settings:q} {params.flags} --threads {threads}"
        " --gpus {resources.gpu} --jax-cache results/.jax-cache"
        " --data {input} --out {output} 2> {log}"
