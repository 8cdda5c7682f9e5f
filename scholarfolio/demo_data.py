"""The demo site: two members of a research group and everyone around them.

Transcribed from real researcher pages (two homepages, a CV, a paper listing with
metrics and a seminar announcement). Keys are stable: ``loaddemo`` uses them to tell a
row it wrote from one an editor changed. Add rows; do not rename keys.
"""

from scholarfolio.demo import Ref, Row

ROWS: list[Row] = []
_NAMES: dict[str, Ref] = {}
_FULL_NAMES: dict[str, str] = {}


def add(key: str, model: str, lookup: dict, *, m2m: dict | None = None, **values) -> Ref:
    ROWS.append(Row(key=key, model=model, lookup=lookup, values=values, m2m=m2m or {}))
    return Ref(key)


def org(slug: str, name: str, **values) -> Ref:
    return add(f"org:{slug}", "profiles.Organization", {"slug": slug}, name=name, **values)


def person(slug: str, full_name: str, given: str, family: str, *, variants=(), **values) -> Ref:
    ref = add(
        f"person:{slug}",
        "profiles.Researcher",
        {"slug": slug},
        full_name=full_name,
        given_name=given,
        family_name=family,
        name_variants=list(variants),
        **values,
    )
    _FULL_NAMES[ref.key] = full_name
    for name in (full_name, *variants):
        _NAMES[name] = ref
    return ref


def by_name(name: str) -> Ref:
    try:
        return _NAMES[name]
    except KeyError:
        raise KeyError(f"demo data names {name!r}, who is not a person in it") from None


def paper(slug: str, title: str, authors: str, **values) -> Ref:
    """A publication with its authors, written as printed: 'Zhiwei Bai#, Yaoyu Zhang*'."""
    ref = add(f"pub:{slug}", "publications.Publication", {"slug": slug}, title=title, **values)
    for position, token in enumerate(authors.split(", "), start=1):
        name = token.rstrip("#*")
        marks = token[len(name) :]
        researcher = by_name(name)
        add(
            f"pub:{slug}:author:{position}",
            "publications.Authorship",
            {"publication": ref, "position": position},
            researcher=researcher,
            printed_name="" if name == _FULL_NAMES[researcher.key] else name,
            equal_contribution="#" in marks,
            corresponding="*" in marks,
        )
    return ref


def item(model: str, key: str, researcher: Ref, order: int, **values) -> Ref:
    return add(
        f"{model.split('.')[1].lower()}:{key}",
        model,
        {"researcher": researcher, "order": order},
        **values,
    )


def interests(researcher: Ref, prefix: str, tree: list, parent: Ref | None = None) -> None:
    """Rows for a nested interest list: (title, description, [cited papers], [children])."""
    for order, (title, description, cites, children) in enumerate(tree, start=1):
        key = f"interest:{prefix}:{order}"
        ref = add(
            key,
            "profiles.ResearchInterest",
            {"researcher": researcher, "parent": parent, "order": order},
            title=title,
            description=description,
            m2m={"publications": cites},
        )
        interests(researcher, key.removeprefix("interest:"), children, parent=ref)


# Organizations -------------------------------------------------------------------------

SJTU = org(
    "sjtu",
    "Shanghai Jiao Tong University",
    short_name="SJTU",
    city="Shanghai",
    country="China",
    url="https://www.sjtu.edu.cn/",
)
SJTU_SMS = org(
    "sjtu-sms",
    "School of Mathematical Sciences",
    parent=SJTU,
    kind="school",
    city="Shanghai",
    country="China",
)
SJTU_INS = org(
    "sjtu-ins",
    "Institute of Natural Sciences",
    parent=SJTU,
    kind="institute",
    city="Shanghai",
    country="China",
)
SJTU_MMA = org(
    "sjtu-mma",
    "Mathematical Modeling Association",
    parent=SJTU,
    kind="society",
    city="Shanghai",
    country="China",
)
PKU = org(
    "pku",
    "Peking University",
    short_name="PKU",
    city="Beijing",
    country="China",
    url="https://www.pku.edu.cn/",
)
PKU_SMS = org(
    "pku-sms",
    "School of Mathematical Sciences",
    parent=PKU,
    kind="school",
    city="Beijing",
    country="China",
)
BICMR = org(
    "bicmr",
    "Beijing International Center for Mathematical Research",
    parent=PKU,
    short_name="BICMR",
    kind="institute",
    city="Beijing",
    country="China",
)
ZJU = org("zju", "Zhejiang University", short_name="ZJU", city="Hangzhou", country="China")
ZJU_SMS = org(
    "zju-sms",
    "School of Mathematical Sciences",
    parent=ZJU,
    kind="school",
    city="Hangzhou",
    country="China",
)
FUDAN = org("fudan", "Fudan University", city="Shanghai", country="China")
USTC = org(
    "ustc",
    "University of Science and Technology of China",
    short_name="USTC",
    city="Hefei",
    country="China",
)
NJU = org("nju", "Nanjing University", city="Nanjing", country="China")
TONGJI = org("tongji", "Tongji University", city="Shanghai", country="China")
STANFORD = org("stanford", "Stanford University", city="Stanford", country="United States")
STANFORD_MATH = org(
    "stanford-math",
    "Department of Mathematics",
    parent=STANFORD,
    kind="department",
    city="Stanford",
    country="United States",
)
UPENN = org("upenn", "University of Pennsylvania", city="Philadelphia", country="United States")
UPENN_STAT = org(
    "upenn-stat",
    "Department of Statistics and Data Science",
    parent=UPENN,
    kind="department",
    city="Philadelphia",
    country="United States",
)
PRINCETON = org("princeton", "Princeton University", city="Princeton", country="United States")
AISI = org(
    "ai-for-science-institute",
    "AI for Science Institute",
    kind="institute",
    city="Beijing",
    country="China",
)
MOQI = org("moqi", "Moqi Technology", kind="company", city="Beijing", country="China")
SCHLUMBERGER = org(
    "schlumberger-beijing",
    "Schlumberger (Beijing)",
    kind="company",
    city="Beijing",
    country="China",
)
MOE = org(
    "moe-china",
    "Ministry of Education of the People's Republic of China",
    kind="government",
    country="China",
)
CAST = org(
    "cast",
    "Chinese Society for Science and Technology",
    short_name="CAST",
    kind="society",
    country="China",
)
SHANGHAI_EDU = org(
    "shanghai-education-commission",
    "Shanghai Municipal Education Commission",
    kind="government",
    city="Shanghai",
    country="China",
)
CSIAM = org(
    "csiam",
    "Chinese Society for Industrial and Applied Mathematics",
    short_name="CSIAM",
    kind="society",
    country="China",
)
CSADGE = org(
    "csadge",
    "Chinese Society for Academic Degrees and Postgraduate Education",
    kind="society",
    country="China",
)
CMS = org("cms", "Chinese Mathematical Society", kind="society", country="China")
ZHEJIANG_GOV = org(
    "zhejiang-government",
    "Zhejiang Provincial Government",
    kind="government",
    city="Hangzhou",
    country="China",
)

# People --------------------------------------------------------------------------------

BAI = person(
    "zhiwei-bai",
    "Zhiwei Bai",
    "Zhiwei",
    "Bai",
    native_name="白志威",
    is_member=True,
    role="phd",
    sort_order=1,
    headline="Ph.D. Student",
    email="bai299@sjtu.edu.cn",
    bio=(
        "I am currently a doctoral candidate at the School of Mathematical Sciences and the "
        "Institute of Natural Sciences, Shanghai Jiao Tong University, where I am pursuing a "
        "Ph.D. in Applied Mathematics. My academic journey began at Shanghai Jiao Tong "
        "University, where I graduated with a B.S. in Mathematics and Applied Mathematics in "
        "2022, as a distinguished member of the Wu Wenjun Honors Class.\n\n"
        "Under the mentorship of Professors Yaoyu Zhang and Zhi-Qin John Xu, my research "
        "primarily delves into the theoretical underpinnings of machine learning and deep "
        "learning. My work is driven by a deep curiosity about the mathematical and "
        "foundational principles underlying modern artificial intelligence, with a particular "
        "focus on understanding the complexities of deep learning models through a "
        "phenomenon-driven approach. I am especially interested in developing a bottom-up "
        "theoretical understanding of deep neural networks, ranging from the analysis of loss "
        "landscapes and training dynamics to implicit regularization mechanisms and the "
        "theoretical understanding of large language models (LLMs)."
    ),
    interests_intro="My research areas include:",
)
WANG = person(
    "mingze-wang",
    "Mingze Wang",
    "Mingze",
    "Wang",
    is_member=True,
    role="phd",
    sort_order=2,
    headline="Ph.D. Candidate in Computational Mathematics",
    email="mingzewang@stu.pku.edu.cn",
    office="210, Jingyuan Building #6, Peking University, Beijing, China, 100084",
    homepage="https://wmz9.github.io/",
    bio=(
        "I am a third-year Ph.D student in Computational Mathematics, Peking University. I am "
        "very fortunate to be advised by **Prof. Weinan E**. Prior to that, I received my B.S. "
        "degree in Pure and Applied Mathematics (ranking 1/111 for the first three years "
        "during my undergraduate study) from Zhejiang University in 2021."
    ),
    interests_intro=(
        "I am broadly interested in theory, algorithm and application of machine learning. "
        "I am also interested in non-convex and convex optimization.\n\n"
        "Recently, I am dedicated to use theory to design algorithms elegantly.\n\n"
        "Specifically, my recent research topics are"
    ),
)
Y_ZHANG = person("yaoyu-zhang", "Yaoyu Zhang", "Yaoyu", "Zhang", headline="Professor")
XU = person(
    "zhi-qin-john-xu",
    "Zhi-Qin John Xu",
    "Zhi-Qin John",
    "Xu",
    variants=["Zhiqin Xu", "Zhi-Qin Xu", "Z.-Q. J. Xu", "Zhiqin John Xu"],
    headline="Professor",
)
WEINAN_E = person("weinan-e", "Weinan E", "Weinan", "E", headline="Prof.")
CHAO_MA = person("chao-ma", "Chao Ma", "Chao", "Ma")
LEI_WU = person("lei-wu", "Lei Wu", "Lei", "Wu")
SU = person("weijie-j-su", "Weijie J. Su", "Weijie", "Su", variants=["Weijie Su"])
ZHIYUAN_LI = person("zhiyuan-li", "Zhiyuan Li", "Zhiyuan", "Li", headline="Prof.")
for _slug, _name, _given, _family in [
    ("tao-luo", "Tao Luo", "Tao", "Luo"),
    ("jiajie-zhao", "Jiajie Zhao", "Jiajie", "Zhao"),
    ("zhangchen-zhou", "Zhangchen Zhou", "Zhangchen", "Zhou"),
    ("xiaolong-li", "Xiaolong Li", "Xiaolong", "Li"),
    ("zhiyu-li", "Zhiyu Li", "Zhiyu", "Li"),
    ("feiyu-xiong", "Feiyu Xiong", "Feiyu", "Xiong"),
    ("hongkang-yang", "Hongkang Yang", "Hongkang", "Yang"),
    ("xiang-cao", "Xiang Cao", "Xiang", "Cao"),
    ("songtao-mao", "Songtao Mao", "Songtao", "Mao"),
    ("han-zhang", "Han Zhang", "Han", "Zhang"),
    ("yuehui-zhang", "Yuehui Zhang", "Yuehui", "Zhang"),
    ("leyang-zhang", "Leyang Zhang", "Leyang", "Zhang"),
    ("zhongwang-zhang", "Zhongwang Zhang", "Zhongwang", "Zhang"),
    ("liangkai-hang", "Liangkai Hang", "Liangkai", "Hang"),
    ("junjie-yao", "Junjie Yao", "Junjie", "Yao"),
    ("tianyi-chen", "Tianyi Chen", "Tianyi", "Chen"),
    ("yang-chen", "Yang Chen", "Yang", "Chen"),
    ("rongjie-diao", "Rongjie Diao", "Rongjie", "Diao"),
    ("hezhou-li", "Hezhou Li", "Hezhou", "Li"),
    ("pengxiao-lin", "Pengxiao Lin", "Pengxiao", "Lin"),
    ("zhiwei-wang", "Zhiwei Wang", "Zhiwei", "Wang"),
    ("cheng-xu", "Cheng Xu", "Cheng", "Xu"),
    ("zehao-lin", "Zehao Lin", "Zehao", "Lin"),
    ("kai-chen", "Kai Chen", "Kai", "Chen"),
    ("zeping-min", "Zeping Min", "Zeping", "Min"),
    ("liu-ziyin", "Liu Ziyin", "Ziyin", "Liu"),
]:
    person(_slug, _name, _given, _family)

# Positions and affiliations --------------------------------------------------------------

item(
    "profiles.Position",
    "zhiwei-bai:phd-sms",
    BAI,
    1,
    kind="study",
    title="Ph.D. Student",
    organization=SJTU_SMS,
    start_date="2022-09-01",
    date_precision="year",
)
item(
    "profiles.Position",
    "zhiwei-bai:phd-ins",
    BAI,
    2,
    kind="affiliation",
    title="Ph.D. Student",
    organization=SJTU_INS,
    start_date="2022-09-01",
    date_precision="year",
)
item(
    "profiles.Position",
    "mingze-wang:phd",
    WANG,
    1,
    kind="study",
    title="Ph.D. Candidate",
    organization=PKU_SMS,
    start_date="2021-09-01",
)
item(
    "profiles.Position",
    "mingze-wang:moqi",
    WANG,
    2,
    kind="internship",
    title="Algorithm Intern",
    organization=MOQI,
    start_date="2021-09-01",
    end_date="2022-06-01",
    description="Work on image processing and privacy protection for biometric technology.",
)
item(
    "profiles.Position",
    "yaoyu-zhang:sjtu",
    Y_ZHANG,
    1,
    kind="affiliation",
    title="Professor",
    organization=SJTU,
)
item(
    "profiles.Position",
    "zhi-qin-john-xu:sjtu",
    XU,
    1,
    kind="affiliation",
    title="Professor",
    organization=SJTU,
)
item("profiles.Position", "weinan-e:pku", WEINAN_E, 1, kind="affiliation", organization=PKU)
item(
    "profiles.Position",
    "weinan-e:princeton",
    WEINAN_E,
    2,
    kind="affiliation",
    organization=PRINCETON,
)
item("profiles.Position", "weinan-e:aisi", WEINAN_E, 3, kind="affiliation", organization=AISI)
item(
    "profiles.Position",
    "chao-ma:stanford",
    CHAO_MA,
    1,
    kind="affiliation",
    organization=STANFORD_MATH,
)
item("profiles.Position", "lei-wu:pku", LEI_WU, 1, kind="affiliation", organization=PKU_SMS)
item("profiles.Position", "weijie-j-su:upenn", SU, 1, kind="affiliation", organization=UPENN_STAT)

# Education -------------------------------------------------------------------------------

item(
    "profiles.Education",
    "zhiwei-bai:phd",
    BAI,
    1,
    degree="phd",
    degree_title="Ph.D. in Mathematics",
    field="Mathematics",
    institution=SJTU_SMS,
    start_date="2022-09-01",
    date_precision="year",
    m2m={"advisors": [Y_ZHANG, XU]},
)
item(
    "profiles.Education",
    "zhiwei-bai:bs",
    BAI,
    2,
    degree="bachelors",
    degree_title="B.S. in Mathematics and Applied Mathematics",
    field="Mathematics and Applied Mathematics",
    institution=SJTU_SMS,
    honours_programme="Wu Wenjun Honors Class",
    start_date="2018-09-01",
    end_date="2022-06-30",
    date_precision="year",
)
item(
    "profiles.Education",
    "zhiwei-bai:minor",
    BAI,
    3,
    degree="minor",
    degree_title="Minor in AI+X",
    institution=SJTU,
    start_date="2021-09-01",
    end_date="2022-06-30",
    date_precision="year",
    description=(
        "A collaborative program offered by Shanghai Jiao Tong University, Zhejiang "
        "University, Fudan University, University of Science and Technology of China, "
        "Nanjing University, and Tongji University."
    ),
    m2m={"partner_institutions": [ZJU, FUDAN, USTC, NJU, TONGJI]},
)
item(
    "profiles.Education",
    "mingze-wang:phd",
    WANG,
    1,
    degree="phd",
    degree_title="Ph.D. Candidate",
    field="Computational Mathematics",
    institution=PKU_SMS,
    start_date="2021-09-01",
    m2m={"advisors": [WEINAN_E]},
)
item(
    "profiles.Education",
    "mingze-wang:bs",
    WANG,
    2,
    degree="bachelors",
    degree_title="Bachelor of Science",
    field="Pure and Applied Mathematics",
    institution=ZJU_SMS,
    start_date="2017-09-01",
    end_date="2021-06-01",
    rank_note=(
        "Academic ranking: 1/111, Comprehensive ranking: 1/111, Major GPA: 4.84/5 (95.5/100)"
    ),
)

# Venues ----------------------------------------------------------------------------------


def venue(slug: str, name: str, **values) -> Ref:
    return add(f"venue:{slug}", "publications.Venue", {"slug": slug}, name=name, **values)


CSIAM_AM = venue(
    "csiam-am",
    "CSIAM Transactions on Applied Mathematics",
    short_name="CSIAM-AM",
    kind="journal",
    issn="2708-0579",
)
NEURIPS = venue(
    "neurips",
    "Conference on Neural Information Processing Systems",
    short_name="NeurIPS",
    kind="conference",
    url="https://neurips.cc/",
)
ICLR = venue(
    "iclr",
    "International Conference on Learning Representations",
    short_name="ICLR",
    kind="conference",
    url="https://iclr.cc/",
)
M3L = venue(
    "neurips-m3l",
    "NeurIPS Workshop on Mathematics of Modern Machine Learning",
    short_name="M3L",
    kind="workshop",
)
ARXIV = venue("arxiv", "arXiv", kind="preprint", url="https://arxiv.org/")
FRONTIERS = venue("frontiers-of-mathematics", "Frontiers of Mathematics", kind="journal")
JMLR = venue(
    "jmlr",
    "Journal of Machine Learning Research",
    short_name="JMLR",
    kind="journal",
    url="https://www.jmlr.org/",
)
JML = venue("jml", "Journal of Machine Learning", short_name="JML", kind="journal")

# Publications ----------------------------------------------------------------------------

EMBEDDING = paper(
    "embedding-principle-in-depth",
    "Embedding Principle in Depth for the Loss Landscape Analysis of Deep Neural Networks",
    "Zhiwei Bai, Tao Luo, Zhi-Qin John Xu*, Yaoyu Zhang*",
    kind="article",
    status="published",
    venue=CSIAM_AM,
    volume="5",
    issue="2",
    pages="350-389",
    year=2024,
    doi="10.4208/csiam-am.SO-2023-0020",
    arxiv_category="cs.LG",
    arxiv_date="2022-05-26",
    featured=True,
    abstract=(
        "Understanding the relation between deep and shallow neural networks is extremely "
        "important for the theoretical study of deep learning. In this work, we discover an "
        'embedding principle in depth that loss landscape of an NN "contains" all critical '
        "points of the loss landscapes for shallower NNs. The key tool for our discovery is "
        "the critical lifting operator proposed in this work that maps any critical point of "
        "a network to critical manifolds of any deeper network while preserving the outputs. "
        "This principle provides new insights to many widely observed behaviors of DNNs. "
        "Regarding the easy training of deep networks, we show that local minimum of an NN "
        "can be lifted to strict saddle points of a deeper NN. Regarding the acceleration "
        "effect of batch normalization, we demonstrate that batch normalization helps avoid "
        "the critical manifolds lifted from shallower NNs by suppressing layer "
        "linearization. We also prove that increasing training data shrinks the lifted "
        "critical manifolds, which can result in acceleration of training as demonstrated in "
        "experiments. Overall, our discovery of the embedding principle in depth uncovers the "
        "depth-wise hierarchical structure of deep learning loss landscape, which serves as a "
        "solid foundation for the further study about the role of depth for DNNs."
    ),
)
CONNECTIVITY = paper(
    "connectivity-shapes-implicit-regularization",
    "Connectivity Shapes Implicit Regularization in Matrix Factorization Models for Matrix "
    "Completion",
    "Zhiwei Bai, Jiajie Zhao, Yaoyu Zhang*",
    kind="conference",
    status="published",
    venue=NEURIPS,
    venue_detail="The Thirty-eighth Annual Conference on Neural Information Processing "
    "Systems (NeurIPS 2024)",
    volume="37",
    pages="45914-45955",
    year=2024,
    arxiv_category="cs.LG",
    arxiv_date="2024-05-22",
    featured=True,
    abstract=(
        "Matrix factorization models have been extensively studied as a valuable test-bed "
        "for understanding the implicit biases of overparameterized models. Although both "
        "low nuclear norm and low rank regularization have been studied for these models, a "
        "unified understanding of when, how, and why they achieve different implicit "
        "regularization effects remains elusive. In this work, we systematically investigate "
        "the implicit regularization of matrix factorization for solving matrix completion "
        "problems. We empirically discover that the connectivity of observed data plays a "
        "crucial role in the implicit bias, with a transition from low nuclear norm to low "
        "rank as data shifts from disconnected to connected with increased observations. We "
        "identify a hierarchy of intrinsic invariant manifolds in the loss landscape that "
        "guide the training trajectory to evolve from low-rank to higher-rank solutions. "
        "Based on this finding, we theoretically characterize the training trajectory as "
        "following the hierarchical invariant manifold traversal process, generalizing the "
        "characterization of Li et al. (2020) to include the disconnected case. Furthermore, "
        "we establish conditions that guarantee minimum nuclear norm, closely aligning with "
        "our experimental findings, and we provide a dynamics characterization condition for "
        "ensuring minimum rank. Our work reveals the intricate interplay between data "
        "connectivity, training dynamics, and implicit regularization in matrix "
        "factorization models."
    ),
)
LOSS_SPIKES = paper(
    "adaptive-preconditioners-trigger-loss-spikes-in-adam",
    "Adaptive Preconditioners Trigger Loss Spikes in Adam",
    "Zhiwei Bai#, Zhangchen Zhou#, Jiajie Zhao, Xiaolong Li, Zhiyu Li, Feiyu Xiong, "
    "Hongkang Yang, Yaoyu Zhang*, Zhi-Qin John Xu*",
    kind="preprint",
    status="preprint",
    venue=ARXIV,
    year=2025,
    arxiv_id="2506.04805",
    arxiv_category="cs.LG",
    arxiv_date="2025-06-05",
    featured=True,
    abstract=(
        "Loss spikes emerge commonly during training across neural networks of varying "
        "architectures and scales when using the Adam optimizer. In this work, we "
        "investigate the underlying mechanism responsible for Adam spikes. While previous "
        "explanations attribute these phenomena to the lower-loss-as-sharper characteristics "
        "of the loss landscape, our analysis reveals that Adam's adaptive preconditioners "
        "themselves can trigger spikes. Specifically, we identify a critical regime where "
        "squared gradients become substantially smaller than the second-order moment "
        "estimates, causing the latter to undergo a $\\beta_2$-exponential decay and to "
        "respond sluggishly to current gradient information. This mechanism can push the "
        "maximum eigenvalue of the preconditioned Hessian beyond the classical stability "
        "threshold $2/\\eta$ for a sustained period, inducing instability. This instability "
        "further leads to an alignment between the gradient and the maximum eigendirection, "
        "and a loss spike occurs precisely when the gradient-directional curvature exceeds "
        "$2/\\eta$. We verify this mechanism through extensive experiments on fully connected "
        "networks, convolutional networks, and Transformer architectures."
    ),
)
ADAM_DEGENERATE = paper(
    "adam-convergence-on-highly-degenerate-polynomials",
    "Towards Understanding Adam Convergence on Highly Degenerate Polynomials",
    "Zhiwei Bai#, Jiajie Zhao#, Zhangchen Zhou, Zhi-Qin John Xu*, Yaoyu Zhang*",
    kind="preprint",
    status="preprint",
    venue=ARXIV,
    year=2026,
    arxiv_id="2603.09581",
    arxiv_category="cs.LG",
    arxiv_date="2026-03-10",
    abstract=(
        "Adam is a widely used optimization algorithm in deep learning, yet the specific "
        "class of objective functions where it exhibits inherent advantages remains "
        "underexplored. Unlike prior studies requiring external schedulers and $\\beta_2$ "
        'near 1 for convergence, this work investigates the "natural" auto-convergence '
        "properties of Adam. We identify a class of highly degenerate polynomials where Adam "
        "converges automatically without additional schedulers. Specifically, we derive "
        "theoretical conditions for local asymptotic stability on degenerate polynomials and "
        "demonstrate strong alignment between theoretical bounds and experimental results. "
        "We prove that Adam achieves local linear convergence on these degenerate functions, "
        "significantly outperforming the sub-linear convergence of Gradient Descent and "
        "Momentum. This acceleration stems from a decoupling mechanism between the second "
        "moment $v_t$ and squared gradient $g_t^2$, which exponentially amplifies the "
        "effective learning rate. Finally, we characterize Adam's hyperparameter phase "
        "diagram, identifying three distinct behavioral regimes: stable convergence, "
        "spikes, and SignGD-like oscillation."
    ),
)
NILPOTENT = paper(
    "nilpotent-category-of-abelian-categories",
    "Nilpotent Category of Abelian Categories and Self-Adjoint Functors",
    "Zhiwei Bai, Xiang Cao, Songtao Mao, Han Zhang, Yuehui Zhang*",
    kind="article",
    status="published",
    venue=FRONTIERS,
    volume="18",
    issue="6",
    pages="1363-1377",
    year=2023,
)
LOCAL_LINEAR = paper(
    "local-linear-recovery-guarantee",
    "Local Linear Recovery Guarantee of Deep Neural Networks at Overparameterization",
    "Yaoyu Zhang*, Leyang Zhang, Zhongwang Zhang, Zhiwei Bai",
    kind="article",
    status="published",
    venue=JMLR,
    volume="26",
    article_number="69",
    pages="1-30",
    year=2025,
    arxiv_category="cs.LG",
    arxiv_date="2024-06-26",
    abstract=(
        "Determining whether deep neural network (DNN) models can reliably recover target "
        "functions at overparameterization is a critical yet complex issue in the theory of "
        "deep learning. To advance understanding in this area, we introduce a concept we "
        'term "local linear recovery" (LLR), a weaker form of target function recovery '
        "that renders the problem more amenable to theoretical analysis. In the sense of "
        "LLR, we prove that functions expressible by narrower DNNs are guaranteed to be "
        "recoverable from fewer samples than model parameters. Specifically, we establish "
        "upper limits on the optimistic sample sizes, defined as the smallest sample size "
        "necessary to guarantee LLR, for functions in the space of a given DNN. Furthermore, "
        "we prove that these upper bounds are achieved in the case of two-layer tanh neural "
        "networks. Our research lays a solid groundwork for future investigations into the "
        "recovery capabilities of DNNs in overparameterized scenarios."
    ),
)
OPTIMISTIC = paper(
    "optimistic-estimate-uncovers-the-potential-of-nonlinear-models",
    "Optimistic Estimate Uncovers the Potential of Nonlinear Models",
    "Yaoyu Zhang*, Zhongwang Zhang, Leyang Zhang, Zhiwei Bai, Tao Luo, Zhi-Qin John Xu",
    kind="article",
    status="published",
    venue=JML,
    year=2025,
    # The single-neuron paper's abstract cites this work as arXiv:2307.08921.
    arxiv_id="2307.08921",
    arxiv_category="cs.LG",
    arxiv_date="2023-07-18",
    abstract=(
        "We propose an optimistic estimate to evaluate the best possible fitting performance "
        "of nonlinear models. It yields an optimistic sample size that quantifies the "
        "smallest possible sample size to fit/recover a target function using a nonlinear "
        "model. We estimate the optimistic sample sizes for matrix factorization models, "
        "deep models, and deep neural networks (DNNs) with fully-connected or convolutional "
        "architecture. For each nonlinear model, our estimates predict a specific subset of "
        "targets that can be fitted at overparameterization, which are confirmed by our "
        "experiments. Our optimistic estimate reveals two special properties of the DNN "
        "models -- free expressiveness in width and costly expressiveness in connection. "
        "These properties suggest the following architecture design principles of DNNs: (i) "
        "feel free to add neurons/kernels; (ii) restrain from connecting neurons. Overall, "
        "our optimistic estimate theoretically unveils the vast potential of nonlinear "
        "models in fitting at overparameterization. Based on this framework, we anticipate "
        "gaining a deeper understanding of how and why numerous nonlinear models such as "
        "DNNs can effectively realize their potential in practice in the near future."
    ),
)
LINEAR_STABILITY = paper(
    "linear-stability-hypothesis-and-rank-stratification",
    "Linear Stability Hypothesis and Rank Stratification for Nonlinear Models",
    "Yaoyu Zhang*, Zhongwang Zhang, Leyang Zhang, Zhiwei Bai, Tao Luo, Zhi-Qin John Xu",
    kind="preprint",
    status="preprint",
    venue=ARXIV,
    year=2022,
    arxiv_id="2211.11623",
    arxiv_category="cs.LG",
    arxiv_date="2022-11-21",
    abstract=(
        "Models with nonlinear architectures/parameterizations such as deep neural networks "
        "(DNNs) are well known for their mysteriously good generalization performance at "
        "overparameterization. In this work, we tackle this mystery from a novel perspective "
        "focusing on the transition of the target recovery/fitting accuracy as a function of "
        "the training data size. We propose a rank stratification for general nonlinear "
        'models to uncover a model rank as an "effective size of parameters" for each '
        "function in the function space of the corresponding model. Moreover, we establish a "
        "linear stability theory proving that a target function almost surely becomes "
        "linearly stable when the training data size equals its model rank. Supported by our "
        "experiments, we propose a linear stability hypothesis that linearly stable "
        "functions are preferred by nonlinear training. By these results, model rank of a "
        "target function predicts a minimal training data size for its successful recovery. "
        "Specifically for the matrix factorization model and DNNs of fully-connected or "
        "convolutional architectures, our rank stratification shows that the model rank for "
        "specific target functions can be much lower than the size of model parameters. This "
        "result predicts the target recovery capability even at heavy overparameterization "
        "for these nonlinear models as demonstrated quantitatively by our experiments. "
        "Overall, our work provides a unified framework with quantitative prediction power to "
        "understand the mysterious target recovery behavior at overparameterization for "
        "general nonlinear models."
    ),
)
SINGLE_NEURON = paper(
    "disentangling-sample-size-and-initialization-effects",
    "Disentangling Sample Size and Initialization Effects on Perfect Generalization for "
    "Single-Neuron Targets",
    "Jiajie Zhao, Zhiwei Bai, Yaoyu Zhang*",
    kind="preprint",
    status="preprint",
    venue=ARXIV,
    year=2024,
    arxiv_id="2405.13787",
    arxiv_category="cs.LG",
    arxiv_date="2024-05-22",
    note='First version titled "Disentangle Sample Size and Initialization Effect on '
    'Perfect Generalization for Single-Neuron Target"',
    abstract=(
        "Overparameterized models like deep neural networks have the intriguing ability to "
        "recover target functions with fewer sampled data points than parameters (see "
        "arXiv:2307.08921). To gain insights into this phenomenon, we concentrate on a "
        "single-neuron target recovery scenario, offering a systematic examination of how "
        "initialization and sample size influence the performance of two-layer neural "
        "networks. Our experiments reveal that a smaller initialization scale is associated "
        "with improved generalization, and we identify a critical quantity called the "
        '"initial imbalance ratio" that governs training dynamics and generalization under '
        "small initialization, supported by theoretical proofs. Additionally, we empirically "
        'delineate two critical thresholds in sample size--termed the "optimistic sample '
        'size" and the "separation sample size"--that align with the theoretical '
        "frameworks established by (see arXiv:2307.08921 and arXiv:2309.00508). Our results "
        "indicate a transition in the model's ability to recover the target function: below "
        "the optimistic sample size, recovery is unattainable; at the optimistic sample "
        "size, recovery becomes attainable albeit with a set of initialization of zero "
        "measure. Upon reaching the separation sample size, the set of initialization that "
        "can successfully recover the target function shifts from zero to positive measure. "
        "These insights, derived from a simplified context, provide a perspective on the "
        "intricate yet decipherable complexities of perfect generalization in "
        "overparameterized neural networks."
    ),
)
COMPLEXITY = paper(
    "scalable-complexity-control-facilitates-reasoning-ability-of-llms",
    "Scalable Complexity Control Facilitates Reasoning Ability of LLMs",
    "Liangkai Hang#, Junjie Yao#, Zhiwei Bai, Tianyi Chen, Yang Chen, Rongjie Diao, "
    "Hezhou Li, Pengxiao Lin, Zhiwei Wang, Cheng Xu, Zhongwang Zhang*, Zhangchen Zhou, "
    "Zhiyu Li, Zehao Lin, Kai Chen, Feiyu Xiong*, Yaoyu Zhang*, Weinan E*, Hongkang Yang*, "
    "Zhi-Qin John Xu*",
    kind="preprint",
    status="preprint",
    venue=ARXIV,
    year=2025,
    arxiv_id="2505.23013",
    arxiv_category="cs.LG",
    arxiv_date="2025-05-29",
    abstract=(
        "The reasoning ability of large language models (LLMs) has been rapidly advancing "
        "in recent years, attracting interest in more fundamental approaches that can "
        "reliably enhance their generalizability. This work demonstrates that model "
        "complexity control, conveniently implementable by adjusting the initialization rate "
        "and weight decay coefficient, improves the scaling law of LLMs consistently over "
        "varying model sizes and data sizes. This gain is further illustrated by comparing "
        "the benchmark performance of 2.4B models pretrained on 1T tokens with different "
        "complexity hyperparameters. Instead of fixing the initialization std, we found that "
        "a constant initialization rate (the exponent of std) enables the scaling law to "
        "descend faster in both model and data sizes. These results indicate that complexity "
        "control is a promising direction for the continual advancement of LLMs."
    ),
)

# Mingze Wang's list: numbered [1]-[8] in his CV, which his interests cite.
NEURIPS_2022 = "Thirty-sixth Conference on Neural Information Processing Systems (NeurIPS 2022)"
WANG_PAPERS = [
    paper(
        "early-stage-convergence-mildly-parameterized-networks",
        "Early Stage Convergence and Global Convergence of Training Mildly Parameterized "
        "Neural Networks",
        "Mingze Wang, Chao Ma",
        kind="conference",
        venue=NEURIPS,
        venue_detail=NEURIPS_2022,
        year=2022,
        page_count=73,
    ),
    paper(
        "alignment-property-of-sgd-noise",
        "The alignment property of SGD noise and how it helps select flat minima: A stability "
        "analysis",
        "Lei Wu, Mingze Wang, Weijie J. Su",
        kind="conference",
        venue=NEURIPS,
        venue_detail=NEURIPS_2022,
        year=2022,
        page_count=25,
    ),
    paper(
        "generalization-error-bounds-sgd",
        "Generalization Error Bounds for Deep Neural Networks Trained by SGD",
        "Mingze Wang, Chao Ma",
        kind="preprint",
        status="under_review",
        venue=ARXIV,
        year=2022,
        arxiv_id="2206.03299",
        page_count=32,
    ),
    paper(
        "multi-phase-optimization-dynamics-relu",
        "Understanding Multi-phase Optimization Dynamics and Rich Non-linear Behaviors of ReLU "
        "Networks",
        "Mingze Wang, Chao Ma",
        kind="conference",
        venue=NEURIPS,
        venue_detail="Thirty-seventh Conference on Neural Information Processing Systems "
        "(NeurIPS 2023)",
        year=2023,
        page_count=94,
        note="Spotlight (Top 3.5%)",
        featured=True,
    ),
    paper(
        "noise-geometry-in-sgd",
        "A Theoretical Analysis of Noise Geometry in Stochastic Gradient Descent",
        "Mingze Wang, Lei Wu",
        kind="workshop",
        venue=M3L,
        venue_detail="NeurIPS 2023 Workshop on Mathematics of Modern Machine Learning "
        "(NeurIPS 2023 Workshop M3L)",
        year=2023,
        arxiv_id="2310.00692",
        page_count=30,
    ),
    paper(
        "margin-maximization-progressive-norm-rescaling",
        "Achieving Margin Maximization Exponentially Fast via Progressive Norm Rescaling",
        "Mingze Wang, Zeping Min, Lei Wu",
        kind="preprint",
        status="preprint",
        venue=ARXIV,
        year=2023,
        arxiv_id="2311.14387",
        page_count=38,
    ),
    paper(
        "expressive-power-of-transformer-sequence-modeling",
        "Understanding the Expressive Power and Mechanisms of Transformer for Sequence Modeling",
        "Mingze Wang, Weinan E",
        kind="preprint",
        status="preprint",
        venue=ARXIV,
        year=2024,
        arxiv_id="2402.00522",
        page_count=65,
        featured=True,
    ),
    paper(
        "implicit-bias-of-gradient-noise-symmetry",
        "The Implicit Bias of Gradient Noise: a Symmetry Perspective",
        "Liu Ziyin, Mingze Wang, Lei Wu",
        kind="preprint",
        status="preprint",
        venue=ARXIV,
        year=2024,
        arxiv_id="2402.07193",
        page_count=17,
    ),
]

# Research interests (after the papers they cite) ------------------------------------------

W1, W2, W3, W4, W5, W6, W7, W8 = WANG_PAPERS
interests(
    BAI,
    "zhiwei-bai",
    [
        (
            "Current Works",
            "",
            [],
            [
                ("Critical Points Analysis of Loss Landscapes in Deep Neural Networks", "", [], []),
                (
                    "Training Dynamics and Induced Implicit Regularization in Matrix Factorization Models",
                    "",
                    [],
                    [],
                ),
                ("Theory of Optimistic Sample Estimation for Nonlinear Models", "", [], []),
                ("Loss Spike Analysis in Adam Training", "", [], []),
                ("Complexity Control for Improving Reasoning Ability in LLMs", "", [], []),
                ("Self-Adjoint Functors in the Category of Nilpotent Morphisms", "", [], []),
            ],
        ),
    ],
)
# His CV's tree, with its citations; his homepage's newer wording folded into the text.
interests(
    WANG,
    "mingze-wang",
    [
        (
            "Deep learning theory",
            "Optimization, generalization, implicit bias, and "
            "approximation; theory and theory-inspired algorithms.",
            WANG_PAPERS,
            [
                (
                    "Optimization",
                    "When training neural networks, why can optimization algorithms "
                    "converge to global minima?",
                    [W1, W4],
                    [],
                ),
                (
                    "Implicit Bias",
                    "When training neural networks, why can optimization algorithms "
                    "converge to global minima with favorable generalization ability (even without any "
                    "explicit regularization)? Such as flat-minima-bias and max-margin-bias aspects.",
                    [W2, W5, W4, W6],
                    [],
                ),
                (
                    "Algorithm Design",
                    "For machine learning problems, design new optimization "
                    "algorithms which can converge to global minima with better generalization "
                    "ability.",
                    [W6],
                    [],
                ),
                (
                    "Approximation",
                    "Exploring the expressive power of deep neural networks through the "
                    "lens of approximation theory; the expressivity of state-space models.",
                    [W7],
                    [],
                ),
                (
                    "Generalization",
                    "How to measure the generalization ability of neural networks.",
                    [W3],
                    [],
                ),
            ],
        ),
        (
            "Foundation Model and Transformer",
            "Theory and algorithm.",
            [W7],
            [
                (
                    "Expressive Power",
                    "The expressive power and mechanisms of Transformer; the "
                    "mechanisms of in-context learning.",
                    [W7],
                    [],
                ),
                (
                    "Algorithm Design",
                    "Design faster optimizers for training LLMs; design more "
                    "efficient model architectures; design more efficient strategy for data selection.",
                    [],
                    [],
                ),
            ],
        ),
        (
            "Non-convex and Convex Optimization",
            "Theory and algorithm.",
            [W1, W4, W6],
            [
                ("Convex Optimization in ML", "", [W6], []),
                ("Non-convex Optimization in ML", "", [W1, W4], []),
            ],
        ),
        ("CV and NLP", "Algorithm and application.", [], []),
        ("AI for Compositional Optimization", "Theory and algorithm.", [], []),
    ],
)

# Events and talks --------------------------------------------------------------------------


def event(slug: str, name: str, kind: str, **values) -> Ref:
    return add(f"event:{slug}", "events.Event", {"slug": slug}, name=name, kind=kind, **values)


def month(value: str) -> dict:
    return {"date": f"{value}-01", "date_precision": "month"}


def talk(slug: str, title: str, speaker: Ref, affiliation: str = "", **values) -> Ref:
    ref = add(f"talk:{slug}", "events.Talk", {"slug": slug}, title=title, **values)
    add(
        f"talk:{slug}:speaker:1",
        "events.TalkSpeaker",
        {"talk": ref, "position": 1},
        researcher=speaker,
        affiliation=affiliation,
    )
    return ref


SEMINAR_SERIES = event(
    "applied-math-phd-seminar",
    "Applied Math Ph.D. Seminar",
    "seminar_series",
    city="Shanghai",
    country="China",
    timezone="Asia/Shanghai",
    date_precision="day",
)
SIAM_AI_2025 = event(
    "shanghai-siam-ai-fundamentals-workshop-2025",
    "Shanghai SIAM Artificial Intelligence Fundamentals Workshop",
    "workshop",
    city="Shanghai",
    country="China",
    start_date="2025-09-01",
    date_precision="month",
    timezone="Asia/Shanghai",
)
AI4MATH_2025 = event(
    "sjtu-ai-for-math-workshop-2025",
    "Shanghai Jiao Tong University AI for Math Workshop",
    "workshop",
    city="Shanghai",
    country="China",
    start_date="2025-05-01",
    date_precision="month",
    timezone="Asia/Shanghai",
    m2m={"organizers": [SJTU]},
)
NEURIPS_2024 = event(
    "neurips-2024",
    "The Thirty-eighth Annual Conference on Neural Information Processing Systems",
    "conference",
    short_name="NeurIPS 2024",
    city="Vancouver",
    country="Canada",
    start_date="2024-12-01",
    date_precision="month",
    timezone="America/Vancouver",
    url="https://neurips.cc/Conferences/2024",
)
NUS_SJTU_2024 = event(
    "nus-sjtu-phd-forum-2024",
    "NUS-SJTU PhD Forum",
    "forum",
    city="Singapore",
    country="Singapore",
    start_date="2024-11-01",
    date_precision="month",
    timezone="Asia/Singapore",
)
PKU_FORUM_2024 = event(
    "pku-phd-forum-2024",
    "Peking University PhD Forum",
    "forum",
    city="Beijing",
    country="China",
    start_date="2024-11-01",
    date_precision="month",
    timezone="Asia/Shanghai",
    m2m={"organizers": [PKU]},
)
CSIAM_2024 = event(
    "csiam-2024",
    "The 22nd Annual Meeting of the Chinese Society for Industrial and Applied Mathematics",
    "conference",
    short_name="CSIAM 2024",
    city="Nanjing",
    country="China",
    start_date="2024-10-01",
    date_precision="month",
    timezone="Asia/Shanghai",
    m2m={"organizers": [CSIAM]},
)
CSIAM_2024_FORUM = event(
    "csiam-2024-student-forum",
    "Student Forum",
    "forum",
    parent=CSIAM_2024,
    city="Nanjing",
    country="China",
    start_date="2024-10-01",
    date_precision="month",
    timezone="Asia/Shanghai",
)
CSML_2024 = event(
    "csml2024",
    "2024 Scientific Machine Learning Conference",
    "conference",
    short_name="CSML2024",
    city="Shanghai",
    country="China",
    start_date="2024-08-01",
    date_precision="month",
    timezone="Asia/Shanghai",
)
MLMS_2023 = event(
    "machine-learning-and-materials-science-workshop-2023",
    "2023 Machine Learning and Materials Science Workshop",
    "workshop",
    city="Shanghai",
    country="China",
    start_date="2023-07-01",
    date_precision="month",
    timezone="Asia/Shanghai",
)
PKU_SUMMER_2023 = event(
    "pku-graduate-applied-mathematics-summer-school-2023",
    "Peking University Graduate Applied Mathematics Workshop and Summer School",
    "summer_school",
    venue_name="Peking University",
    city="Beijing",
    country="China",
    start_date="2023-07-01",
    end_date="2023-08-01",
    date_precision="month",
    timezone="Asia/Shanghai",
    m2m={"organizers": [PKU]},
)
DL_SUMMER_2023 = event(
    "deep-learning-theory-and-application-summer-school-2023",
    "Deep Learning Theory and Application Summer School",
    "summer_school",
    venue_name="Shanghai Jiao Tong University",
    city="Shanghai",
    country="China",
    start_date="2023-07-01",
    date_precision="month",
    timezone="Asia/Shanghai",
    m2m={"organizers": [SJTU]},
)

SEMINAR = talk(
    "phenomenon-driven-deep-learning-theory",
    "Phenomenon-Driven Deep Learning Theory: From Implicit Regularization in Matrix "
    "Factorization to Loss Spike Mechanisms in Adam",
    BAI,
    "Shanghai Jiao Tong University",
    kind="seminar",
    event=SEMINAR_SERIES,
    timezone="Asia/Shanghai",
    date="2025-10-16",
    start="2025-10-16T16:10:00+08:00",
    end="2025-10-16T17:00:00+08:00",
    room="Rm 1801, Guanghua East Tower",
    m2m={"publications": [EMBEDDING, CONNECTIVITY, LOSS_SPIKES]},
    abstract=(
        "Deep neural networks, as highly nonlinear complex systems, present formidable "
        "theoretical challenges. Phenomenon-driven research—grounded in meticulous "
        "observation and carefully designed experiments to discover intrinsic system "
        "patterns—offers a crucial gateway to understanding these complex systems. This talk "
        "presents our recent advances in deep learning generalization and optimization "
        "theory through a phenomenon-driven approach.\n\n"
        "One of the most counterintuitive phenomena in modern machine learning is that "
        "neural networks maintain excellent generalization despite overparameterization. "
        "Understanding implicit regularization mechanisms in overparameterized models has "
        "become essential to deep learning theory. Matrix factorization models, as an "
        "important subclass, provide an ideal testbed for studying implicit regularization. "
        "This talk first reviews the generalization puzzle, and introduces our discovery of a "
        "fundamental structural property of loss landscapes: the Embedding Principle, which "
        "reveals an elegant inheritance relationship between critical points across networks "
        "of different scales. Building on this, we analyze matrix factorization training "
        "dynamics from a model-data decoupling perspective, elucidating when, how, and why "
        "different implicit regularization effects (low rank, low nuclear norm) emerge, "
        "providing a unified understanding of this system.\n\n"
        "This talk also presents another phenomenon-driven study: loss spike—a sudden and "
        "sharp surge in the loss function that subsequently subsides. These spikes are "
        "observed across a wide range of network architectures and datasets, yet their "
        "underlying mechanisms remain elusive. While previous studies attributed loss spikes "
        "to complex loss landscape geometry, we find they originate from Adam's adaptive "
        "preconditioning mechanism. Specifically, when gradients in certain layers gradually "
        "diminish during training, the adaptive mechanism persistently pushes the maximum "
        "eigenvalue of the preconditioned Hessian above the stability threshold, triggering "
        "sustained instability. This result provides a novel theoretical perspective for "
        "understanding and controlling loss spike behavior."
    ),
)
for _position, _advisor in enumerate([Y_ZHANG, XU], start=1):
    add(
        f"talk:phenomenon-driven-deep-learning-theory:advisor:{_position}",
        "events.TalkHost",
        {"talk": SEMINAR, "researcher": _advisor, "role": "advisor"},
        position=_position,
        affiliation="Shanghai Jiao Tong University",
    )

CONNECTIVITY_TITLE = (
    "Connectivity shapes implicit regularization in matrix factorization models for matrix "
    "completion"
)
EMBEDDING_TITLE = (
    "Embedding Principle in Depth for the Loss Landscape Analysis of Deep Neural Networks"
)
talk(
    "implicit-regularization-data-connectivity-siam-2025",
    "Understanding Implicit Regularization in Matrix Factorization via Data Connectivity and "
    "Hierarchical Invariant Manifold Dynamics",
    BAI,
    kind="oral",
    event=SIAM_AI_2025,
    location="Shanghai, China",
    timezone="Asia/Shanghai",
    **month("2025-09"),
    m2m={"publications": [CONNECTIVITY]},
)
AI4MATH_TALK = talk(
    "connectivity-sjtu-ai-for-math-2025",
    CONNECTIVITY_TITLE,
    BAI,
    kind="oral",
    event=AI4MATH_2025,
    location="Shanghai, China",
    timezone="Asia/Shanghai",
    **month("2025-05"),
    m2m={"publications": [CONNECTIVITY]},
)
talk(
    "connectivity-neurips-2024-poster",
    CONNECTIVITY_TITLE,
    BAI,
    kind="poster",
    event=NEURIPS_2024,
    location="Vancouver, Canada",
    timezone="America/Vancouver",
    **month("2024-12"),
    m2m={"publications": [CONNECTIVITY]},
)
talk(
    "connectivity-nus-sjtu-phd-forum-2024",
    CONNECTIVITY_TITLE,
    BAI,
    kind="talk",
    event=NUS_SJTU_2024,
    location="Singapore, Singapore",
    timezone="Asia/Singapore",
    **month("2024-11"),
    m2m={"publications": [CONNECTIVITY]},
)
talk(
    "connectivity-pku-phd-forum-2024",
    CONNECTIVITY_TITLE,
    BAI,
    kind="talk",
    event=PKU_FORUM_2024,
    location="Beijing, China",
    timezone="Asia/Shanghai",
    **month("2024-11"),
    m2m={"publications": [CONNECTIVITY]},
)
CSIAM_POSTER = talk(
    "connectivity-csiam-2024-poster",
    CONNECTIVITY_TITLE,
    BAI,
    kind="poster",
    event=CSIAM_2024_FORUM,
    location="Nanjing, China",
    timezone="Asia/Shanghai",
    **month("2024-10"),
    m2m={"publications": [CONNECTIVITY]},
)
talk(
    "embedding-principle-csml2024",
    EMBEDDING_TITLE,
    BAI,
    kind="talk",
    event=CSML_2024,
    location="Shanghai, China",
    timezone="Asia/Shanghai",
    **month("2024-08"),
    m2m={"publications": [EMBEDDING]},
)
talk(
    "embedding-principle-mlms-2023",
    EMBEDDING_TITLE,
    BAI,
    kind="talk",
    event=MLMS_2023,
    location="Shanghai, China",
    timezone="Asia/Shanghai",
    **month("2023-07"),
    m2m={"publications": [EMBEDDING]},
)
talk(
    "mathematical-modeling-and-ml-theory-schlumberger-2023",
    "Some mathematical modeling problems and machine learning theory",
    WANG,
    kind="invited",
    host_organization=SCHLUMBERGER,
    location="Beijing, China",
    timezone="Asia/Shanghai",
    **month("2023-07"),
)

add(
    "participation:zhiwei-bai:csml2024",
    "events.Participation",
    {"researcher": BAI, "event": CSML_2024, "role": "volunteer"},
    title="Volunteer Manager",
)
add(
    "participation:zhiwei-bai:pku-summer-2023",
    "events.Participation",
    {"researcher": BAI, "event": PKU_SUMMER_2023, "role": "attendee"},
)
add(
    "participation:zhiwei-bai:dl-summer-2023",
    "events.Participation",
    {"researcher": BAI, "event": DL_SUMMER_2023, "role": "attendee"},
)

# Awards -----------------------------------------------------------------------------------


def year(value: int) -> dict:
    return {"date": f"{value}-01-01", "date_precision": "year"}


def award(key: str, researcher: Ref, order: int, title: str, kind: str, **values) -> Ref:
    return item("profiles.Award", key, researcher, order, title=title, kind=kind, **values)


award(
    "zhiwei-bai:national-scholarship-phd-2025",
    BAI,
    1,
    "National Scholarship of PhD",
    "scholarship",
    issuer=MOE,
    **year(2025),
)
award(
    "zhiwei-bai:cast-fellowship-2024",
    BAI,
    2,
    "Special PhD Fellowship of the Young Talents Support Program",
    "fellowship",
    issuer=CAST,
    **year(2024),
)
award(
    "zhiwei-bai:best-paper-ai4math-2025",
    BAI,
    3,
    "Best Paper Award",
    "award",
    issuer=SJTU,
    event=AI4MATH_2025,
    talk=AI4MATH_TALK,
    **year(2025),
)
award(
    "zhiwei-bai:outstanding-poster-csiam-2024",
    BAI,
    4,
    "Outstanding Poster Award",
    "award",
    issuer=CSIAM,
    event=CSIAM_2024,
    talk=CSIAM_POSTER,
    **year(2024),
)
award(
    "zhiwei-bai:national-scholarship-2021",
    BAI,
    5,
    "National Scholarship",
    "scholarship",
    issuer=MOE,
    **year(2021),
)
award(
    "zhiwei-bai:shanghai-outstanding-graduate-2022",
    BAI,
    6,
    "Shanghai Outstanding Graduate",
    "honour",
    issuer=SHANGHAI_EDU,
    **year(2022),
)
award(
    "zhiwei-bai:outstanding-thesis-2022",
    BAI,
    7,
    "Outstanding Bachelor's Degree Thesis",
    "honour",
    issuer=SJTU,
    distinction="top 1%",
    **year(2022),
)
award(
    "zhiwei-bai:undergraduate-modeling-2020",
    BAI,
    8,
    "First Prize, National Undergraduate Mathematical Contest in Modeling",
    "competition",
    issuer=CSIAM,
    **year(2020),
)
award(
    "zhiwei-bai:postgraduate-modeling-2023",
    BAI,
    9,
    "Second Prize, National Postgraduate Mathematical Contest in Modeling",
    "competition",
    issuer=CSADGE,
    **year(2023),
)
award(
    "zhiwei-bai:huatai-2023",
    BAI,
    10,
    "Huatai Securities Technology Scholarship",
    "scholarship",
    issuer=SJTU,
    **year(2023),
)
award(
    "zhiwei-bai:samsung-2020",
    BAI,
    11,
    "Samsung Scholarship",
    "scholarship",
    issuer=SJTU,
    **year(2020),
)
award(
    "zhiwei-bai:college-math-competition-2019",
    BAI,
    12,
    "Third Prize, National College Mathematics Competition",
    "competition",
    issuer=CMS,
    **year(2019),
)

award(
    "mingze-wang:bicmr-2023",
    WANG,
    1,
    "BICMR Mathematical Award for Graduate Students",
    "award",
    issuer=BICMR,
    distinction="top 1%",
    amount="110000",
    currency="CNY",
    date="2023-11-01",
    date_precision="month",
)
award(
    "mingze-wang:schlumberger-2022",
    WANG,
    2,
    "Schlumberger Scholarship",
    "scholarship",
    issuer=SCHLUMBERGER,
    amount="30000",
    currency="CNY",
    date="2022-10-01",
    date_precision="month",
)
award(
    "mingze-wang:pku-innovation-2022",
    WANG,
    3,
    "PKU Academic Innovation Award",
    "award",
    issuer=PKU,
    distinction="top 1%",
    date="2022-10-01",
    date_precision="month",
)
award(
    "mingze-wang:zhejiang-outstanding-graduate-2021",
    WANG,
    4,
    "Outstanding Graduate of Zhejiang Province",
    "honour",
    distinction="top 5%",
    date="2021-05-01",
    date_precision="month",
)
award(
    "mingze-wang:zju-outstanding-graduate-2021",
    WANG,
    5,
    "Outstanding Graduate of ZJU",
    "honour",
    issuer=ZJU,
    date="2021-05-01",
    date_precision="month",
)
award(
    "mingze-wang:national-scholarship-2019",
    WANG,
    6,
    "Chinese National Scholarship",
    "scholarship",
    distinction="top 1%",
    date="2019-10-01",
    date_precision="month",
)
award(
    "mingze-wang:zju-first-class-2019",
    WANG,
    7,
    "First Class Scholarship of ZJU",
    "scholarship",
    issuer=ZJU,
    distinction="top 3%",
    **year(2019),
)
award(
    "mingze-wang:zju-first-class-2020",
    WANG,
    8,
    "First Class Scholarship of ZJU",
    "scholarship",
    issuer=ZJU,
    distinction="top 3%",
    date="2020-10-01",
    date_precision="month",
)
award(
    "mingze-wang:zhejiang-government-2018",
    WANG,
    9,
    "Zhejiang Provincial Government Scholarship",
    "scholarship",
    issuer=ZHEJIANG_GOV,
    date="2018-10-01",
    date_precision="month",
)
award(
    "mingze-wang:zju-modeling-2020",
    WANG,
    10,
    "First Prize of Mathematical Contest in Modeling of ZJU",
    "competition",
    issuer=ZJU,
    distinction="top 1%",
    date="2020-06-01",
    date_precision="month",
)
award(
    "mingze-wang:mcm-2020",
    WANG,
    11,
    "Meritorious Award in The Mathematical Contest in Modeling",
    "competition",
    date="2020-02-01",
    date_precision="month",
)
award(
    "mingze-wang:cumcm-2019",
    WANG,
    12,
    "National Second Prize of Chinese Undergraduate Mathematical Contest in Modeling",
    "competition",
    distinction="top 2.5%",
    date="2019-10-01",
    date_precision="month",
)

# Service ----------------------------------------------------------------------------------

item(
    "profiles.Service",
    "zhiwei-bai:mma-president",
    BAI,
    1,
    kind="officer",
    role="President",
    organization=SJTU_MMA,
    start_date="2020-01-01",
    end_date="2023-12-31",
    date_precision="year",
)
for _order, _venue in enumerate([NEURIPS, ICLR, JMLR, JML], start=1):
    item(
        "profiles.Service",
        f"mingze-wang:reviewer:{_venue.key.split(':')[1]}",
        WANG,
        _order,
        kind="reviewer",
        role="Reviewer",
        venue=_venue,
    )

# Teaching ---------------------------------------------------------------------------------

for _order, (_year, _term) in enumerate(
    [
        (2025, "fall"),
        (2025, "spring"),
        (2024, "fall"),
        (2024, "spring"),
        (2023, "fall"),
        (2023, "spring"),
        (2022, "fall"),
    ],
    start=1,
):
    item(
        "profiles.Teaching",
        f"zhiwei-bai:analysis:{_year}-{_term}",
        BAI,
        _order,
        course="Mathematical Analysis",
        role="ta",
        year=_year,
        term=_term,
        organization=SJTU,
        programme="Zhiyuan Honors Program",
    )
item(
    "profiles.Teaching",
    "mingze-wang:dl-theory:2023-summer",
    WANG,
    1,
    course="Deep Learning Theory",
    role="ta",
    year=2023,
    term="summer",
    organization=PKU,
    programme="Summer School",
    instructor=ZHIYUAN_LI,
)
for _order, (_course, _year, _term) in enumerate(
    [
        ("Calculus (A)", 2021, "fall"),
        ("Calculus (B)", 2022, "spring"),
        ("Calculus (B)", 2022, "fall"),
        ("Calculus (B)", 2023, "spring"),
        ("Calculus (B)", 2023, "fall"),
    ],
    start=2,
):
    item(
        "profiles.Teaching",
        f"mingze-wang:{_course}:{_year}-{_term}",
        WANG,
        _order,
        course=_course,
        role="ta",
        year=_year,
        term=_term,
        organization=PKU,
    )

# Projects, free sections, outside metrics --------------------------------------------------

BOOK = add(
    "project:deep-learning-phenomena-book",
    "profiles.Project",
    {"slug": "deep-learning-phenomena-book"},
    title="《深度学习现象导论》",
    kind="book",
    language="Chinese",
    description=(
        "This book introduces fundamental concepts of deep learning with a "
        "phenomenon-driven approach. Please see the project on GitHub. Your feedback "
        "is welcome!"
    ),
)
for _order, (_member, _role) in enumerate(
    [(BAI, "Author"), (XU, "Supervisor and co-author"), (Y_ZHANG, "Supervisor and co-author")],
    start=1,
):
    add(
        f"project:deep-learning-phenomena-book:member:{_order}",
        "profiles.ProjectMember",
        {"project": BOOK, "researcher": _member},
        role=_role,
        order=_order,
    )

item(
    "profiles.ProfileSection",
    "zhiwei-bai:contact",
    BAI,
    1,
    title="Contact",
    body=(
        "I am always open to connecting with fellow researchers and enthusiasts in related "
        "fields. Feel free to reach out—let’s explore new ideas together!"
    ),
)
item(
    "profiles.ProfileSection",
    "mingze-wang:transcript",
    WANG,
    1,
    title="Selected undergraduate transcript",
    body=(
        "| Course | Score | Course | Score | Course | Score |\n"
        "|---|---|---|---|---|---|\n"
        "| Real Analysis | 100 | Functional Analysis | 100 | Partial Differential Equation | 100 |\n"
        "| Scientific Computing | 100 | Mathematical Analysis (II) | 99 | Differential Geometry | 99 |\n"
        "| Point Topology | 99 | Mathematical Physics | 97 | Complex Analysis | 97 |\n"
        "| Calculus (I) | 97 | Stochastic Process | 96 | Foundation of Analysis | 96 |"
    ),
)

add(
    "metrics:zhiwei-bai:listing",
    "profiles.MetricsSnapshot",
    {"researcher": BAI, "source": "Paper listing (arXiv cs.LG)"},
    # The listing carries no date of its own; this is when it was transcribed.
    as_of="2026-11-23",
    paper_count=9,
    citation_count=36,
    h_index=15,
    extra={
        "primary_category": "LG",
        "novelty": "63%",
        "ai_score": 46,
        "paper_scores": {"2603.09581": 67.4},
    },
)
