"""Every figure's caption: what it shows and every symbol on it, for the README, docs/ and the
report (which adds the longer discussion of workflow/report/); ``registry.caption(name)`` reads
it. Data only."""

CAPTIONS = {
    "tc_extrapolation": (
        "Each method's estimates extrapolated to infinite size: for the crossing methods the "
        "crossing temperature T_x of the curves of size L and the next size L′ against L^−x "
        "(x = 1/ν + ω, the shift exponent: for U₄ in the range the exact small-L crossings "
        "show, fitted at both ends; for the CNNs' U_φ fitted with T_c), for learning by "
        "confusion the accuracy peak T′(L) against 1/L, and for "
        "the window-trained networks T*(L), where the mean output p(ordered) = 1/2, against 1/L "
        "per training window. Error bars are one standard error; red stars are T_c(∞) with its "
        "total error; the window-trained rows converge to where the magnetization equals the "
        "window's threshold, not to T_c, and their grey bar is the spread over windows, not an "
        "error; dashed: the lattice's exact T_c (Onsager's 2.26919 J/k_B on the square lattice)."
    ),
    "binder": (
        "Binder cumulant U₄ = 1 − ⟨m⁴⟩/3⟨m²⟩² of the magnetization per site m against "
        "temperature T (J/k_B) for each lattice size L: points measured (error bars: jackknife), "
        "lines and bands the multi-histogram reweighted curves with one standard error. Dotted: "
        "the crossings T_x of the pairs of sizes (L, 2L, or successive sizes), approaching T_c "
        "from below; dashed: the lattice's exact T_c."
    ),
    "magnetization": (
        "Mean absolute magnetization per site ⟨|m|⟩ against temperature T (J/k_B) for each "
        "lattice size L (error bars: one standard error), with the exact spontaneous "
        "magnetization of the infinite lattice where one is known (on the square lattice "
        "Onsager's and Yang's, (1 − sinh(2J/k_B T)⁻⁴)^(1/8) below T_c); dashed: the lattice's "
        "exact T_c."
    ),
    "lattices": (
        "The last stored configuration of the largest lattice (size L) below, near and above "
        "the lattice's exact T_c; white: spin s = +1, black: s = −1."
    ),
    "shortcut": (
        "What a window-trained network measures: each point is one configuration of size L, its "
        "network output p(ordered) against its magnetization per site |m|, coloured by "
        "temperature T. Black: the fit p = 1/(1 + exp(−a(|m| − m₀))); dotted: its threshold m₀; "
        "R²: the share of p's variance the fit explains, for this network and (all) averaged "
        "over the model's networks."
    ),
    "collapse": (
        "Data collapse against (T − T_c) L_s^(1/ν), with each method's own fitted T_c and 1/ν "
        "(bands: one standard error). Left: the Binder cumulant U₄ of every size L (L_s = L); "
        "right: the Binder cumulant U_φ of the CNNs' learned order parameter φ on configurations "
        "of size L (solid, L_s = L) and of size 2L block-decimated to L (dashed, L_s = 2L): each "
        "such pair collapses, pairs of different L differing in height by the non-universal "
        "local background of φ."
    ),
    "exponent_slopes": (
        "Effective exponents of each pair of sizes L < L′, ln(y(L′)/y(L)) / ln(L′/L) of an "
        "observable y at the pair's crossing temperature (error bars: jackknife), and their "
        "extrapolation to L → ∞ (stars, total error); dashed: the exact 2D Ising 1/ν = 1, "
        "γ/ν = 7/4, β/ν = 1/8 (on the cube the conformal bootstrap's references). β = 1/k_B T; "
        "U₄: the Binder cumulant of m; χ = N⟨m²⟩ with N = L² sites (L³ on the cube); U_φ: the "
        "CNNs' cumulant on L against 2L decimated to L; (check): not part of the quoted value."
    ),
    "p_ordered": (
        "Mean network output p(ordered) against temperature T (J/k_B) for each lattice size L, "
        "one panel per training window (ordered at T at or below its lower, disordered at or "
        "above its upper temperature; grey: never trained on); error bars: bootstrap over "
        "configurations and training seeds. T*(L) is where p = 1/2; dashed: the lattice's "
        "exact T_c."
    ),
    "accuracy": (
        "Accuracy on held-out configurations of the largest size L, scored against the label "
        "T < T_c (the lattice's exact one), against temperature T (J/k_B), one panel per "
        "window-trained model, a colour per training window (bands: one standard error over "
        "training seeds)."
    ),
    "cnn_binder": (
        "Binder cumulant U_φ = 1 − ⟨φ⁴⟩/3⟨φ²⟩² of the CNNs' learned Z2-odd order parameter φ. "
        "Left: U_φ(T) averaged over the networks on configurations of size L (solid) and of size "
        "2L block-decimated to L (dashed), reweighted, with one-standard-error bands; right: each "
        "network's crossing temperature T_x of each pair of sizes (filled: L with 2L decimated "
        "to L; hollow: native L with L′) with its error, beside the ensemble mean and its error "
        "(shaded); dashed: the lattice's exact T_c."
    ),
    "confusion": (
        "Learning by confusion (van Nieuwenburg, Liu and Huber 2017). Left: held-out accuracy of "
        "networks trained to call a configuration ordered if T < T′, against the proposed "
        "boundary T′ for each size L (bands: error over training seeds), peaks T′(L) dotted; "
        "right: T′(L) against 1/L with the fit T_c + a/L and its value at 1/L = 0 (square, with "
        "its error); dashed: the lattice's exact T_c."
    ),
    "rg": (
        "Pooling as renormalisation: the networks' mean output ⟨p⟩ against temperature T "
        "(J/k_B) on configurations of size L (solid) and of sizes 2L and 4L block-decimated to L "
        "by majority rule (dashed, dotted), with jackknife bands (narrower than the lines); "
        "dash-dotted: the fixed point where L and 2L decimated agree; dashed: the lattice's "
        "exact T_c."
    ),
    "pca": (
        "Principal component analysis. Left: the weights w_i of the first principal component "
        "(PC1) of the largest size's configurations, as their deviation from the mean weight "
        "(a uniform PC1 is the magnetization); middle: the fraction of the variance along PC1 "
        "against T; right: the Binder cumulant U of the projection on PC1 for each size L, "
        "reweighted, with jackknife bands; dashed: the lattice's exact T_c."
    ),
    "filters": (
        "What the filters see, per network (rows): its first-layer filters (red positive, blue "
        "negative), then for a configuration below, near and above T_c its spins, the "
        "channel-mean absolute first-layer activation, and the saliency (the gradient of the "
        "logit with respect to each spin)."
    ),
    "data_efficiency": (
        "Each network (its parameter count in the legend) against the number of training "
        "configurations per temperature, at one size and window: left, held-out accuracy "
        "(error bars: one standard error over training seeds); right, the scatter of T* over "
        "the training seeds, a spread, not an error."
    ),
    "transfer": (
        "The same CNNs, trained on one lattice's configurations (left), evaluated on another "
        "lattice's (right), for each lattice size L. Top: their mean output p(ordered) against "
        "temperature T (J/k_B) for the first training window (grey: never trained on; error "
        "bars: bootstrap), T*(L) where p = 1/2; bottom: the Binder cumulant "
        "U_φ = 1 − ⟨φ⁴⟩/3⟨φ²⟩² of their learned order parameter φ (bands: one standard error "
        "over training seeds). Dashed: each lattice's exact T_c; dotted: its T(m₀), where its "
        "exact spontaneous magnetization equals the networks' threshold m₀."
    ),
}
