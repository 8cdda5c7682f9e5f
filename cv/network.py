"""Co-author networks: who wrote public papers with whom, laid out on the server and drawn
as an SVG with no script (every node a link), with the same data as a table beside it.

Two networks: one member's (``member_network``: the member at the centre, the public
co-authors of their public papers, sized by the papers shared with the member, and the
edges between any two of them weighted by the member's papers they share), and the
group's (``group_network``: the public members, each sized by their papers with other
members, and an edge for each pair weighted by the papers they share). Only public papers
and public researchers count. The layout is networkx's spring layout from a fixed seed on
nodes and edges in a fixed order, so the same data draws the same picture byte for byte,
and a cached page never changes under its visitors.
"""

from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations

import networkx as nx
from django.contrib.postgres.aggregates import ArrayAgg
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import urlencode

from cv.metrics import stored_figures
from profiles.models import Researcher
from publications.models import Authorship, Publication

# Beyond these the picture is a hairball: the most connected are drawn and the page says
# how many were left out (the table lists the same nodes as the picture).
MAX_MEMBER_NODES = 60
MAX_GROUP_NODES = 120
SEED = 20260
WIDTH, HEIGHT, MARGIN = 800, 600, 60
MIN_RADIUS, MAX_RADIUS = 6, 26
MIN_STROKE, MAX_STROKE = 1, 8
MAX_LABELS = 12


@dataclass
class Node:
    pk: int
    name: str
    url: str
    papers: int  # what sizes it: shared with the member, or with other members
    is_member: bool
    centre: bool = False
    x: float = 0.0
    y: float = 0.0
    radius: float = MIN_RADIUS
    neighbours: list = field(default_factory=list)  # (node, papers together), most first


@dataclass(frozen=True)
class Edge:
    source: Node
    target: Node
    papers: int
    width: float


@dataclass
class Network:
    nodes: list[Node]
    edges: list[Edge]
    left_out: int = 0  # nodes over the cap, not drawn
    label: str = ""
    size_label: str = "papers"
    rows: list[Node] = field(default_factory=list)  # the table: nodes, most papers first

    @property
    def svg(self) -> str:
        return draw(self)


def node_url(person: Researcher) -> str:
    """A member's profile; anyone else's papers, the publication list filtered by them."""
    if person.is_member:
        return person.get_absolute_url()
    return f"{reverse('publications:list')}?{urlencode({'author': person.slug})}"


def bylines(papers) -> list[list[int]]:
    """The public authors of each of ``papers`` (pks), sorted: one query of an array per
    paper. The pairs are counted in Python: a self-join grouped in SQL took seconds at
    20,000 papers."""
    rows = (
        Authorship.objects.filter(
            publication__in=papers, researcher__in=Researcher.objects.public()
        )
        .order_by()
        .values("publication")
        .annotate(people=ArrayAgg("researcher_id", distinct=True, order_by="researcher_id"))
        .values_list("people", flat=True)
    )
    return list(rows)


def pair_counts(papers: list[list[int]]) -> dict[tuple[int, int], int]:
    """(a, b) with a < b -> how many of ``papers`` (sorted lists of authors) both wrote."""
    pairs: Counter = Counter()
    for people in papers:
        pairs.update(combinations(people, 2))
    return dict(pairs)


def member_network(researcher: Researcher) -> Network:
    """``researcher``'s co-author network in two queries (``researcher`` read with its
    ``figures``, which size the centre by all of its public papers)."""
    papers = Publication.objects.public().for_researcher(researcher).values("pk")
    pairs = pair_counts(bylines(papers))
    shared = {}
    for (a, b), n in pairs.items():
        if researcher.pk in (a, b):
            shared[b if a == researcher.pk else a] = n
    kept = sorted(shared, key=lambda pk: (-shared[pk], pk))  # ties in a fixed order
    left_out = max(0, len(kept) - (MAX_MEMBER_NODES - 1))
    kept = set(kept[: MAX_MEMBER_NODES - 1])
    rows = Researcher.objects.filter(pk__in=kept).only("slug", "full_name", "is_member")
    centre = Node(
        pk=researcher.pk,
        name=researcher.full_name,
        url=researcher.get_absolute_url(),
        papers=stored_figures(researcher).papers,
        is_member=True,
        centre=True,
    )
    nodes = [centre] + [
        Node(p.pk, p.full_name, node_url(p), shared[p.pk], p.is_member)
        for p in sorted(rows, key=lambda p: (-shared[p.pk], p.full_name, p.pk))
    ]
    network = build(
        nodes,
        {pair: n for pair, n in pairs.items() if set(pair) <= kept | {researcher.pk}},
        left_out,
    )
    network.label = (
        f"Co-author network of {researcher.full_name}: {len(nodes) - 1} co-author"
        f"{'' if len(nodes) == 2 else 's'}, each circle sized by the papers shared with "
        f"{researcher.full_name}, each line by the papers the two wrote together."
    )
    network.size_label = f"Papers with {researcher.full_name}"
    network.rows = nodes[1:]
    return network


def group_network() -> Network:
    """The public members, the public co-authors who link two or more of them, and the
    public papers they share, in three queries. Each is sized by the group's papers
    (public papers with a member among the authors) they are on."""
    members = Researcher.objects.public_members()
    papers = bylines(
        Publication.objects.public().filter(authorships__researcher__in=members).values("pk")
    )
    counts = Counter(person for people in papers for person in people)
    member_pks = set(members.values_list("pk", flat=True))
    linked: dict[int, set[int]] = {}  # a co-author -> the members they wrote with
    for people in papers:
        on = member_pks.intersection(people)
        for person in people:
            if person not in member_pks:
                linked.setdefault(person, set()).update(on)
    bridges = {pk for pk, others in linked.items() if len(others) > 1}
    shown = list(
        Researcher.objects.filter(pk__in=member_pks | bridges)
        .public()
        .only("slug", "full_name", "is_member")
        .order_by("full_name", "pk")
    )
    # Members first, then by papers: the cap leaves out the least connected co-authors.
    shown.sort(key=lambda p: (not p.is_member, -counts.get(p.pk, 0)))
    left_out = max(0, len(shown) - MAX_GROUP_NODES)
    shown = shown[:MAX_GROUP_NODES]
    kept = {p.pk for p in shown}
    nodes = [Node(p.pk, p.full_name, node_url(p), counts.get(p.pk, 0), p.is_member) for p in shown]
    # Pairs counted among the people drawn only, after the cap.
    pairs = pair_counts([[pk for pk in people if pk in kept] for people in papers])
    network = build(nodes, pairs, left_out)
    drawn_members = sum(node.is_member for node in nodes)
    network.label = (
        f"Co-author network of the group: {drawn_members} member"
        f"{'' if drawn_members == 1 else 's'} and {len(nodes) - drawn_members} co-author"
        f"{'' if len(nodes) - drawn_members == 1 else 's'} they share, each circle sized by "
        "the group's papers the person is on, each line by the papers the two share."
    )
    network.size_label = "The group's papers"
    network.rows = sorted(nodes, key=lambda node: (-node.papers, node.name, node.pk))
    return network


def build(nodes: list[Node], pairs: dict[tuple[int, int], int], left_out: int) -> Network:
    """Lays ``nodes`` out and sizes them and the edges, all deterministically."""
    by_pk = {node.pk: node for node in nodes}
    edges = sorted(pairs.items())
    place(nodes, edges)
    most = max((node.papers for node in nodes), default=0) or 1
    for node in nodes:
        node.radius = round(MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * (node.papers / most) ** 0.5, 1)
    heaviest = max(pairs.values(), default=0) or 1
    for (a, b), n in edges:
        by_pk[a].neighbours.append((by_pk[b], n))
        by_pk[b].neighbours.append((by_pk[a], n))
    for node in nodes:
        node.neighbours.sort(key=lambda pair: (-pair[1], pair[0].name, pair[0].pk))
    return Network(
        nodes=nodes,
        edges=[
            Edge(
                by_pk[a],
                by_pk[b],
                n,
                round(MIN_STROKE + (MAX_STROKE - MIN_STROKE) * n / heaviest, 1),
            )
            for (a, b), n in edges
        ],
        left_out=left_out,
    )


def place(nodes: list[Node], edges) -> None:
    """Sets each node's x and y in the drawing's box: the spring layout (heavier edges pull
    harder) from a fixed seed, the centre node, if any, pinned in the middle of the random
    start (which fills the unit square)."""
    graph = nx.Graph()
    graph.add_nodes_from(node.pk for node in nodes)
    graph.add_weighted_edges_from((a, b, n) for (a, b), n in edges)
    centre = [node.pk for node in nodes if node.centre]
    if len(nodes) < 2:
        positions = {node.pk: (0.5, 0.5) for node in nodes}
    else:
        positions = nx.spring_layout(
            graph,
            seed=SEED,
            weight="weight",
            pos=dict.fromkeys(centre, (0.5, 0.5)) or None,
            fixed=centre or None,
            iterations=100,
            # Twice networkx's default spacing: a many-author paper is a clique, which the
            # default packs too tight to tell its people apart.
            k=2 / len(nodes) ** 0.5,
        )
    points = {pk: (float(x), float(y)) for pk, (x, y) in positions.items()}
    # Fitted to the box, scaled evenly on both axes so the picture is not stretched.
    xs, ys = [x for x, _ in points.values()], [y for _, y in points.values()]
    x_span, y_span = max(xs) - min(xs), max(ys) - min(ys)
    scale = min((WIDTH - 2 * MARGIN) / (x_span or 1), (HEIGHT - 2 * MARGIN) / (y_span or 1))
    left, top = (WIDTH - x_span * scale) / 2, (HEIGHT - y_span * scale) / 2
    for node in nodes:
        x, y = points[node.pk]
        node.x = round(left + (x - min(xs)) * scale, 1)
        node.y = round(top + (y - min(ys)) * scale, 1)


def draw(network: Network) -> str:
    """The network as an inline SVG: scalable (a viewBox, no fixed size), each node a
    link with its name and count as its title. A labelled group, not role="img": an
    image's children are presentational, which would hide its links from assistive
    technology. The links take no keyboard focus, as the table beside the drawing holds
    the same people, data and links in reading order; the lines, whose counts the table
    gives too, are hidden from screen readers."""
    label = escape(network.label)
    parts = [
        f'<svg class="network" viewBox="0 0 {WIDTH} {HEIGHT}" role="group" aria-label="{label}" '
        'xmlns="http://www.w3.org/2000/svg">',
        f"<title>{label}</title>",
        '<g class="edges" aria-hidden="true">',
    ]
    for edge in network.edges:
        parts.append(
            f'<line x1="{edge.source.x}" y1="{edge.source.y}" x2="{edge.target.x}" '
            f'y2="{edge.target.y}" stroke-width="{edge.width}">'
            f"<title>{escape(edge.source.name)} and {escape(edge.target.name)}: "
            f"{edge.papers} paper{'' if edge.papers == 1 else 's'}</title></line>"
        )
    parts.append('</g><g class="nodes">')
    # Names under the most connected only; every node's name is in its title and the table.
    named = {node.pk for node in sorted(network.nodes, key=lambda n: -n.papers)[:MAX_LABELS]}
    for node in network.nodes:
        kind = "centre" if node.centre else "member" if node.is_member else "coauthor"
        name = escape(node.name)
        parts.append(
            f'<a href="{escape(node.url)}" class="{kind}" tabindex="-1">'
            f"<title>{name}: {node.papers} paper{'' if node.papers == 1 else 's'}</title>"
            f'<circle cx="{node.x}" cy="{node.y}" r="{node.radius}"/>'
            + (
                f'<text x="{node.x}" y="{round(node.y + node.radius + 14, 1)}">{name}</text>'
                if node.pk in named
                else ""
            )
            + "</a>"
        )
    parts.append("</g></svg>")
    return "".join(parts)
