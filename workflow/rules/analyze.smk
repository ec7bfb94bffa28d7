rule binder:
    input:
        get_binder_shards,
    output:
        tc="results/tc/binder.csv",
        replicas="results/tc/binder.jackknife.json",
        curves="results/binder/curves.csv",
        exponents="results/exponents/binder.json",
    log:
        "results/logs/binder.log",
    benchmark:
        "results/benchmarks/binder.tsv"
    conda:
        "../envs/isingml.yaml"
    resources:
        mem_mb=mem_of("binder"),
        runtime=runtime_of("binder"),
    shell:
        "isingml analyze binder --shards {input} --out {output.tc} --replicas {output.replicas}"
        " --curves {output.curves} --exponents {output.exponents} 2> {log}"


rule ensemble:
    input:
        get_features,
    output:
        tc="results/tc/{method}.csv",
        replicas="results/tc/{method}.jackknife.json",
        curves="results/{method}/curves.csv",
        networks="results/diagnostics/{method}_networks.csv",
        exponents="results/exponents/{method}.json",
    log:
        "results/logs/{method}.log",
    benchmark:
        "results/benchmarks/{method}.tsv"
    wildcard_constraints:
        method="|".join(ENSEMBLE_CROSSINGS),
    conda:
        "../envs/isingml.yaml"
    resources:
        mem_mb=mem_of("ensemble"),
        runtime=runtime_of("ensemble"),
    shell:
        "isingml analyze ensemble --method {wildcards.method} --features {input}"
        " --out {output.tc} --replicas {output.replicas} --curves {output.curves}"
        " --networks {output.networks} --exponents {output.exponents} 2> {log}"


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
        "isingml analyze confusion-peaks --curves {input} --seed {params.seed} --out {output.tc}"
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
        model=get_lattice_flags(),
    shell:
        "isingml analyze crossing --method {wildcards.model} --predictions {input}"
        " --seed {params.seed} --out {output.tc} --curves {output.curves} {params.model}"
        " 2> {log}"


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
    params:
        model=get_lattice_flags(),
    shell:
        "isingml analyze shortcut --predictions {input} --out {output} {params.model} 2> {log}"


rule fss:
    input:
        tc="results/tc/{method}.csv",
        replicas=get_crossing_replicas,
    output:
        "results/fss/{method}.json",
    log:
        "results/logs/fss/{method}.log",
    localrule: True
    conda:
        "../envs/isingml.yaml"
    params:
        replicas=lambda wildcards, input: (
            f"--tc-jackknife {input.replicas}" if input.replicas else ""
        ),
        model=get_lattice_flags(),
    shell:
        "isingml analyze fss --method {wildcards.method} --tc {input.tc} {params.replicas}"
        " --out {output} {params.model} 2> {log}"


rule exponents:
    input:
        exponents=get_exponent_files,
        fss=get_exponent_fss,
    output:
        report(
            "results/fss/exponents.json",
            caption="../report/exponents.rst",
            category="Summary",
        ),
    log:
        "results/logs/exponents.log",
    localrule: True
    conda:
        "../envs/isingml.yaml"
    shell:
        "isingml analyze exponents --inputs {input.exponents} --fss {input.fss}"
        " --out {output} 2> {log}"


rule compare:
    input:
        fss=expand("results/fss/{method}.json", method=METHODS),
        exponents="results/fss/exponents.json",
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
    params:
        model=get_lattice_flags(),
    shell:
        "isingml analyze compare --fss {input.fss} --metrics {input.metrics}"
        " --shortcut {input.shortcut} --exponents {input.exponents}"
        " --out-csv {output.csv} --out-md {output.md} {params.model} 2> {log}"
