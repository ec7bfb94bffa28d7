# Every figure, by one rule: isingml.plots.registry maps each to its inputs, its caption
# (workflow/report/, shown through figure.rst) and its report category.
rule figure:
    input:
        unpack(get_figure_inputs),
    output:
        png=report(
            "results/figures/{figure}.png",
            caption="../report/figure.rst",
            category=get_figure_category,
            subcategory=get_figure_subcategory,
        ),
        pdf="results/figures/{figure}.pdf",
    log:
        "results/logs/figures/{figure}.log",
    localrule: True
    conda:
        "../envs/isingml.yaml"
    params:
        command=get_figure_command,
        caption=get_figure_caption,
    shell:
        "isingml plot {params.command} --out {output.png} 2> {log}"
