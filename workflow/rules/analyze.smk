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


rule cnn_binder:
    input:
        get_features,
    output:
        tc="results/tc/cnn_binder.csv",
        curves="results/binder/cnn_binder_curves.csv",
        networks="results/diagnostics/cnn_binder_networks.csv",
    log:
        "results/logs/cnn_binder.log",
    conda:
        "../envs/isingml.yaml"
    shell:
        "isingml analyze order-binder --method cnn_binder --features {input}"
        " --out {output.tc} --curves {output.curves} --networks {output.networks} 2> {log}"


rule confusion_peaks:
    input:
        get_confusion_curves,
    output:
        tc="results/tc/confusion.csv",
        accuracy="results/confusion/accuracy.csv",
    log:
        "results/logs/confusion_peaks.log",
    localrule: True
    conda:
        "../envs/isingml.yaml"
    params:
        seed=config["seed"],
    shell:
        "isingml analyze confusion --curves {input} --seed {params.seed} --out {output.tc}"
        " --accuracy {output.accuracy} 2> {log}"


rule crossing:
    input:
        get_predictions,
    output:
        tc="results/tc/{model}.csv",
        curves="results/curves/{model}.csv",
    log:
        "results/logs/crossing/{model}.log",
    localrule: True
    conda:
        "../envs/isingml.yaml"
    params:
        seed=config["seed"],
    shell:
        "isingml analyze crossing --method {wildcards.model} --predictions {input}"
        " --seed {params.seed} --out {output.tc} --curves {output.curves} 2> {log}"


rule shortcut:
    input:
        get_window_predictions,
    output:
        "results/diagnostics/shortcut.csv",
    log:
        "results/logs/shortcut.log",
    localrule: True
    conda:
        "../envs/isingml.yaml"
    shell:
        "isingml analyze shortcut --predictions {input} --out {output} 2> {log}"


rule fss:
    input:
        tc="results/tc/{method}.csv",
    output:
        "results/fss/{method}.json",
    log:
        "results/logs/fss/{method}.log",
    localrule: True
    conda:
        "../envs/isingml.yaml"
    shell:
        "isingml analyze fss --method {wildcards.method} --tc {input.tc} --out {output}"
        " 2> {log}"


rule compare:
    input:
        fss=expand("results/fss/{method}.json", method=METHODS),
        metrics=get_all_metrics,
        shortcut="results/diagnostics/shortcut.csv",
    output:
        csv=report(
            "results/summary.csv", caption="../report/summary.rst", category="Summary"
        ),
        md="results/summary.md",
    log:
        "results/logs/compare.log",
    localrule: True
    conda:
        "../envs/isingml.yaml"
    shell:
        "isingml analyze compare --fss {input.fss} --metrics {input.metrics}"
        " --shortcut {input.shortcut} --out-csv {output.csv} --out-md {output.md} 2> {log}"
