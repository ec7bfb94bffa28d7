rule pca:
    input:
        critical=get_binder_shards,
        wide=get_largest_training_shards,
    output:
        tc="results/tc/pca.csv",
        replicas="results/tc/pca.jackknife.json",
        curves="results/pca/curves.csv",
        variance="results/pca/variance.csv",
        components="results/pca/components.npz",
    log:
        "results/logs/pca.log",
    benchmark:
        "results/benchmarks/pca.tsv"
    conda:
        "../envs/isingml.yaml"
    resources:
        mem_mb=mem_of("pca"),
        runtime=runtime_of("pca"),
    shell:
        "isingml analyze pca --shards {input.critical} --wide {input.wide} --out {output.tc}"
        " --replicas {output.replicas}"
        " --curves {output.curves} --variance {output.variance}"
        " --components {output.components} 2> {log}"


rule efficiency:
    input:
        get_efficiency_shards,
    output:
        row="results/efficiency/{study_model}/n{n}/seed{seed}/row.json",
        params="results/efficiency/{study_model}/n{n}/seed{seed}/params.npz",
    log:
        "results/logs/efficiency/{study_model}/n{n}/seed{seed}.log",
    benchmark:
        "results/benchmarks/efficiency/{study_model}/n{n}/seed{seed}.tsv"
    conda:
        "../envs/isingml.yaml"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=120,
        gpu=0,
    params:
        job=get_efficiency_job,
    shell:
        "isingml efficiency --job {params.job:q} --threads {threads} --gpus {resources.gpu}"
        " --jax-cache results/.jax-cache"
        " --data {input} --out $(dirname {output.row}) 2> {log}"


rule efficiency_table:
    input:
        get_efficiency_rows,
    output:
        "results/diagnostics/data_efficiency.csv",
    log:
        "results/logs/efficiency_table.log",
    localrule: True
    conda:
        "../envs/isingml.yaml"
    shell:
        "isingml analyze efficiency --rows {input} --out {output} 2> {log}"


rule inspect:
    input:
        params=get_inspected_model,
        shards=get_example_shards,
    output:
        "results/diagnostics/filters_{study_model}.npz",
    log:
        "results/logs/inspect/{study_model}.log",
    conda:
        "../envs/isingml.yaml"
    shell:
        "isingml inspect --model-dir $(dirname {input.params}) --shards {input.shards}"
        " --out {output} 2> {log}"


rule studies:
    input:
        get_study_outputs(everything=True),
    localrule: True
