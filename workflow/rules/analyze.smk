rule binder:
    input:
        get_binder_shards,
    output:
        tc="results/tc/binder.csv",
        curves="results/binder/curves.csv",
    log:
        "results/logs/binder.log",
    benchmark:
        "results/benchmarks/binder.tsv"
    conda:
        "../envs/isingml.yaml"
    shell:
        "isingml analyze binder --shards {input} --out {output.tc} --curves {output.curves}"
        " 2> {log}"


rule crossing:
    input:
        get_predictions,
    output:
        tc="results/tc/{model}.csv",
        curves="results/curves/{model}.csv",
    log:
        "results/logs/crossing/{model}.log",
    conda:
        "../envs/isingml.yaml"
    params:
        seed=config["seed"],
    shell:
        "isingml analyze crossing --method {wildcards.model} --predictions {input}"
        " --seed {params.seed} --out {output.tc} --curves {output.curves} 2> {log}"


rule size_crossing:
    input:
        get_cross_predictions,
    output:
        "results/tc/cnn_cross.csv",
    log:
        "results/logs/crossing/cnn_cross.log",
    conda:
        "../envs/isingml.yaml"
    params:
        seed=config["seed"],
    shell:
        "isingml analyze crossing --method cnn_cross --between-sizes --predictions {input}"
        " --seed {params.seed} --out {output} 2> {log}"


rule fss:
    input:
        unpack(get_fss_inputs),
    output:
        "results/fss/{method}.json",
    log:
        "results/logs/fss/{method}.log",
    conda:
        "../envs/isingml.yaml"
    params:
        flags=get_fss_flags,
        seed=config["seed"],
    shell:
        "isingml analyze fss --method {wildcards.method} --tc {input.tc} {params.flags}"
        " --seed {params.seed} --out {output} 2> {log}"


rule compare:
    input:
        fss=expand("results/fss/{method}.json", method=METHODS),
        metrics=get_all_metrics,
    output:
        csv=report(
            "results/summary.csv", caption="../report/summary.rst", category="Summary"
        ),
        md="results/summary.md",
    log:
        "results/logs/compare.log",
    conda:
        "../envs/isingml.yaml"
    shell:
        "isingml analyze compare --fss {input.fss} --metrics {input.metrics}"
        " --out-csv {output.csv} --out-md {output.md} 2> {log}"
