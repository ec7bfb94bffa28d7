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
    conda:
        "../envs/isingml.yaml"
    shell:
        "isingml plot p_ordered --curves {input.curves} --out {output.png} 2> {log}"


rule figure_collapse:
    input:
        curves="results/curves/{model}.csv",
        fss="results/fss/{model}.json",
    output:
        png=report(
            "results/figures/collapse_{model}.png",
            caption="../report/collapse.rst",
            category="Finite-size scaling",
            subcategory="{model}",
        ),
        pdf="results/figures/collapse_{model}.pdf",
    log:
        "results/logs/figures/collapse_{model}.log",
    conda:
        "../envs/isingml.yaml"
    shell:
        "isingml plot collapse --curves {input.curves} --fss {input.fss} --out {output.png}"
        " 2> {log}"


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
    conda:
        "../envs/isingml.yaml"
    shell:
        "isingml plot magnetization --observables {input} --out {output.png} 2> {log}"


rule figure_accuracy:
    input:
        expand("results/curves/{model}.csv", model=MODELS),
    output:
        png=report(
            "results/figures/accuracy.png",
            caption="../report/accuracy.rst",
            category="Networks",
        ),
        pdf="results/figures/accuracy.pdf",
    log:
        "results/logs/figures/accuracy.log",
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
    conda:
        "../envs/isingml.yaml"
    shell:
        "isingml plot lattices --shards {input} --out {output.png} 2> {log}"
