rule figure_p_ordered:
    input:
        curves="results/curves/{model}.csv",
    output:
        png=report(
            "results/figures/p_ordered_{model}.png",
            caption="../report/p_ordered.rst",
            category="Networks",
            subcategory="{model}",
        ),
        pdf="results/figures/p_ordered_{model}.pdf",
    log:
        "results/logs/figures/p_ordered_{model}.log",
    localrule: True
    conda:
        "../envs/isingml.yaml"
    shell:
        "isingml plot p_ordered --curves {input.curves} --out {output.png} 2> {log}"


rule figure_tc_extrapolation:
    input:
        tc=expand("results/tc/{method}.csv", method=METHODS),
        fss=expand("results/fss/{method}.json", method=METHODS),
    output:
        png=report(
            "results/figures/tc_extrapolation.png",
            caption="../report/tc_extrapolation.rst",
            category="Finite-size scaling",
        ),
        pdf="results/figures/tc_extrapolation.pdf",
    log:
        "results/logs/figures/tc_extrapolation.log",
    localrule: True
    conda:
        "../envs/isingml.yaml"
    shell:
        "isingml plot tc_extrapolation --tc {input.tc} --fss {input.fss} --out {output.png}"
        " 2> {log}"


rule figure_binder:
    input:
        observables=get_binder_observables,
        curves="results/binder/curves.csv",
        tc="results/tc/binder.csv",
    output:
        png=report(
            "results/figures/binder.png",
            caption="../report/binder.rst",
            category="Physics baseline",
        ),
        pdf="results/figures/binder.pdf",
    log:
        "results/logs/figures/binder.log",
    localrule: True
    conda:
        "../envs/isingml.yaml"
    shell:
        "isingml plot binder --observables {input.observables} --curves {input.curves}"
        " --tc {input.tc} --out {output.png} 2> {log}"


rule figure_magnetization:
    input:
        get_observables,
    output:
        png=report(
            "results/figures/magnetization.png",
            caption="../report/magnetization.rst",
            category="Physics baseline",
        ),
        pdf="results/figures/magnetization.pdf",
    log:
        "results/logs/figures/magnetization.log",
    localrule: True
    conda:
        "../envs/isingml.yaml"
    shell:
        "isingml plot magnetization --observables {input} --out {output.png} 2> {log}"


rule figure_accuracy:
    input:
        expand("results/curves/{model}.csv", model=WINDOW_MODELS),
    output:
        png=report(
            "results/figures/accuracy.png",
            caption="../report/accuracy.rst",
            category="Networks",
        ),
        pdf="results/figures/accuracy.pdf",
    log:
        "results/logs/figures/accuracy.log",
    localrule: True
    conda:
        "../envs/isingml.yaml"
    shell:
        "isingml plot accuracy --curves {input} --out {output.png} 2> {log}"


rule figure_lattices:
    input:
        get_example_shards,
    output:
        png=report(
            "results/figures/lattices.png",
            caption="../report/lattices.rst",
            category="Physics baseline",
        ),
        pdf="results/figures/lattices.pdf",
    log:
        "results/logs/figures/lattices.log",
    localrule: True
    conda:
        "../envs/isingml.yaml"
    shell:
        "isingml plot lattices --shards {input} --out {output.png} 2> {log}"


rule figure_shortcut:
    input:
        predictions=get_shortcut_examples,
        shortcut="results/diagnostics/shortcut.csv",
    output:
        png=report(
            "results/figures/shortcut.png",
            caption="../report/shortcut.rst",
            category="Networks",
        ),
        pdf="results/figures/shortcut.pdf",
    log:
        "results/logs/figures/shortcut.log",
    localrule: True
    conda:
        "../envs/isingml.yaml"
    shell:
        "isingml plot shortcut --predictions {input.predictions}"
        " --diagnostics {input.shortcut} --out {output.png} 2> {log}"


rule figure_confusion:
    input:
        accuracy="results/confusion/accuracy.csv",
        tc="results/tc/confusion.csv",
        fss="results/fss/confusion.json",
    output:
        png=report(
            "results/figures/confusion.png",
            caption="../report/confusion.rst",
            category="Window-free estimators",
        ),
        pdf="results/figures/confusion.pdf",
    log:
        "results/logs/figures/confusion.log",
    localrule: True
    conda:
        "../envs/isingml.yaml"
    shell:
        "isingml plot confusion --curves {input.accuracy} --tc {input.tc} --fss {input.fss}"
        " --out {output.png} 2> {log}"


rule figure_cnn_binder:
    input:
        curves="results/binder/cnn_binder_curves.csv",
        networks="results/diagnostics/cnn_binder_networks.csv",
        tc="results/tc/cnn_binder.csv",
    output:
        png=report(
            "results/figures/cnn_binder.png",
            caption="../report/cnn_binder.rst",
            category="Window-free estimators",
        ),
        pdf="results/figures/cnn_binder.pdf",
    log:
        "results/logs/figures/cnn_binder.log",
    localrule: True
    conda:
        "../envs/isingml.yaml"
    shell:
        "isingml plot cnn_binder --curves {input.curves} --diagnostics {input.networks}"
        " --tc {input.tc} --out {output.png} 2> {log}"


rule figure_rg:
    input:
        curves="results/rg/curves.csv",
        tc="results/tc/rg.csv",
    output:
        png=report(
            "results/figures/rg.png",
            caption="../report/rg.rst",
            category="Studies",
        ),
        pdf="results/figures/rg.pdf",
    log:
        "results/logs/figures/rg.log",
    localrule: True
    conda:
        "../envs/isingml.yaml"
    shell:
        "isingml plot rg --curves {input.curves} --tc {input.tc} --out {output.png} 2> {log}"


rule figure_pca:
    input:
        components="results/pca/components.npz",
        variance="results/pca/variance.csv",
        curves="results/pca/curves.csv",
    output:
        png=report(
            "results/figures/pca.png",
            caption="../report/pca.rst",
            category="Studies",
        ),
        pdf="results/figures/pca.pdf",
    log:
        "results/logs/figures/pca.log",
    localrule: True
    conda:
        "../envs/isingml.yaml"
    shell:
        "isingml plot pca --components {input.components} --variance {input.variance}"
        " --curves {input.curves} --out {output.png} 2> {log}"


rule figure_data_efficiency:
    input:
        "results/diagnostics/data_efficiency.csv",
    output:
        png=report(
            "results/figures/data_efficiency.png",
            caption="../report/data_efficiency.rst",
            category="Studies",
        ),
        pdf="results/figures/data_efficiency.pdf",
    log:
        "results/logs/figures/data_efficiency.log",
    localrule: True
    conda:
        "../envs/isingml.yaml"
    shell:
        "isingml plot data_efficiency --diagnostics {input} --out {output.png} 2> {log}"


rule figure_filters:
    input:
        expand("results/diagnostics/filters_{m}.npz", m=["cnn", "ecnn"]),
    output:
        png=report(
            "results/figures/filters.png",
            caption="../report/filters.rst",
            category="Studies",
        ),
        pdf="results/figures/filters.pdf",
    log:
        "results/logs/figures/filters.log",
    localrule: True
    conda:
        "../envs/isingml.yaml"
    shell:
        "isingml plot filters --diagnostics {input} --out {output.png} 2> {log}"


rule figure_collapse:
    input:
        curves=get_collapse_curves,
        fss=get_collapse_fss,
        exponents="results/fss/exponents.json",
    output:
        png=report(
            "results/figures/collapse.png",
            caption="../report/collapse.rst",
            category="Finite-size scaling",
        ),
        pdf="results/figures/collapse.pdf",
    log:
        "results/logs/figures/collapse.log",
    localrule: True
    conda:
        "../envs/isingml.yaml"
    shell:
        "isingml plot collapse --curves {input.curves} --fss {input.fss}"
        " --exponents {input.exponents} --out {output.png} 2> {log}"


rule figure_exponent_slopes:
    input:
        exponents="results/fss/exponents.json",
    output:
        png=report(
            "results/figures/exponent_slopes.png",
            caption="../report/exponent_slopes.rst",
            category="Finite-size scaling",
        ),
        pdf="results/figures/exponent_slopes.pdf",
    log:
        "results/logs/figures/exponent_slopes.log",
    localrule: True
    conda:
        "../envs/isingml.yaml"
    shell:
        "isingml plot exponent_slopes --exponents {input.exponents} --out {output.png} 2> {log}"
