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
        job=get_train_job,
        outdir="results/models/{model}/{window}/L{L}",
        predictions="results/predictions/{model}/{window}/L{L}",
    shell:
        "isingml train --job {params.job:q} --threads {threads} --gpus {resources.gpu}"
        " --jax-cache results/.jax-cache"
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
        job=get_baseline_job,
    shell:
        "isingml baseline --job {params.job:q} --data {input} --out {output} 2> {log}"


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
    # one job evaluates every network on the whole Binder grid; on the CPU the CNNs go through
    # the Numba kernel (learning/cnn_cpu.py), which runs on the job's threads
    threads: 4
    resources:
        mem_mb=mem_of("features"),
        runtime=runtime_of("features"),
        gpu=0,
    params:
        job=get_features_job,
    shell:
        "isingml features --job {params.job:q} --model-dir {input.params} --threads {threads}"
        " --gpus {resources.gpu} --jax-cache results/.jax-cache"
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
        job=get_confusion_job,
    shell:
        "isingml confusion --job {params.job:q} --threads {threads}"
        " --gpus {resources.gpu} --jax-cache results/.jax-cache"
        " --data {input} --out {output} 2> {log}"
