"""CV files into a ``Profile`` (cv/profile_import.py writes it): JSON Resume 1.0 (JSON or
YAML, older 0.x names too), al-folio's ``_data/cv.yml`` and RenderCV's YAML. The format is
told from the content, not the file name.

A reader never raises on a field: a value it cannot use is dropped with a warning naming
the field (``work[2].startDate``), an unknown key is named and ignored, and only a file that
is not JSON or YAML, or none of these shapes, is refused (``ImportProblem``)."""

import json
import re

import yaml

from cv.profile_import import Org, Profile, bullets, organization_parts, partial_date, period, text
from publications.records import ImportProblem, ParsedWork

# Keys that only style a theme's page (icons, colours): read silently, kept nowhere.
DISPLAY_ONLY = {"icon", "image", "color", "colour"}


class PlainLoader(yaml.SafeLoader):
    """YAML without its implicit timestamps: '2023-02-30' stays a string to be warned
    about, where the stock loader raises on the whole file."""


PlainLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml(text_: str, what: str):
    try:
        return yaml.load(text_, Loader=PlainLoader)  # a SafeLoader subclass
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise ImportProblem([f"{what} is not valid YAML{where}: {problem}"]) from None


def read_profile(data: str | bytes, name: str = "the file") -> Profile:
    """The profile a CV file holds; ImportProblem when it is none of the known formats."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ImportProblem([f"{name} is not UTF-8 text (byte {error.start})"]) from None
    stripped = data.lstrip()
    if not stripped:
        raise ImportProblem([f"{name} is empty"])
    if stripped[0] in "{[":
        try:
            content = json.loads(data)
        except json.JSONDecodeError as error:
            if stripped[0] == "{":
                raise ImportProblem(
                    [
                        f"{name} is not valid JSON (line {error.lineno}, column {error.colno}): "
                        f"{error.msg}"
                    ]
                ) from None
            content = load_yaml(data, name)
    else:
        content = load_yaml(data, name)
    if isinstance(content, dict) and isinstance(content.get("cv"), dict):
        return RenderCV(content).read()
    if isinstance(content, dict) and (
        "basics" in content or {"work", "education", "awards", "volunteer"} & set(content)
    ):
        return JsonResume(content).read()
    if (
        isinstance(content, list)
        and content
        and all(isinstance(s, dict) and "title" in s and "contents" in s for s in content)
    ):
        return AlFolio(content).read()
    raise ImportProblem(
        [
            f"{name} is not a JSON Resume (an object with “basics”), an al-folio cv.yml (a "
            "list of sections with “title”, “type” and “contents”) or a RenderCV file (a "
            "“cv” with “sections”)"
        ]
    )


def classify_link(url: str, network: str = "", username: str = "") -> tuple[str, str]:
    """A profile link -> (Researcher field, value), or ('', '') for one kept as a link."""
    url, network = text(url), text(network).lower().replace(" ", "")
    low = url.lower()
    if m := re.search(r"(\d{4}-\d{4}-\d{4}-\d{3}[\dX])", url) or (
        "orcid" in network and re.fullmatch(r"\d{4}-\d{4}-\d{4}-\d{3}[\dX]", text(username))
    ):
        return "orcid", m.group(1) if hasattr(m, "group") else text(username)
    if "scholar.google" in low and (m := re.search(r"[?&]user=([\w-]{12})", url)):
        return "google_scholar_id", m.group(1)
    if "scholar" in network and re.fullmatch(r"[\w-]{12}", text(username)):
        return "google_scholar_id", text(username)
    if m := re.fullmatch(r"(?:https?://)?(?:www\.)?github\.com/([A-Za-z\d-]{1,39})/?", url):
        return "github", m.group(1)
    if network == "github" and username and not url:
        return "github", text(username)
    if low.startswith("mailto:"):
        return "email", url[7:]
    return "", ""


def link_line(label: str, url: str) -> str:
    if url and not re.match(r"[a-z][a-z+.-]*:", url, re.I):
        url = "https://" + url.lstrip("/")
    return f"- [{label}]({url})" if url else ""


class Reader:
    format = ""

    def __init__(self, content):
        self.content = content
        self.profile = Profile(format=self.format)

    def warn(self, where: str, message: str) -> None:
        self.profile.warn(where, message)

    def unknown(self, where: str, entry: dict, known: set[str]) -> None:
        for key in entry:
            if key not in known and key not in DISPLAY_ONLY:
                self.warn(f"{where}.{key}", "unknown field; ignored")

    def entries(self, key: str, value) -> list[tuple[str, dict]]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.warn(key, "should be a list; ignored")
            return []
        out = []
        for i, entry in enumerate(value):
            if isinstance(entry, dict):
                out.append((f"{key}[{i}]", entry))
            else:
                self.warn(f"{key}[{i}]", f"should be an object, not {entry!r}; ignored")
        return out

    def date(self, entry: dict, key: str, where: str):
        return partial_date(entry.get(key), f"{where}.{key}", self.profile.warnings)

    def links(self, where: str, items: list[tuple[str, str, str]]) -> None:
        """(label or network, url, username) -> the Researcher's fields or a Links section."""
        lines = []
        basics = self.profile.basics
        for label, url, username in items:
            field, value = classify_link(url, label, username)
            if field and not basics.get(field):
                basics[field] = value
            elif not field and url and not url.startswith(("/", "#")):
                lines.append(link_line(text(label) or url, url))
        self.profile.section("Links", where, lines)


def resume_items(data: dict, key: str) -> list[dict]:
    """A JSON Resume section's entries as the file gives them, kept for the export."""
    entries = data.get(key)
    return [dict(e) for e in entries if isinstance(e, dict)] if isinstance(entries, list) else []


def description(*parts) -> str:
    """Markdown from a summary and bullet lists."""
    out = []
    for part in parts:
        if isinstance(part, list):
            out.append("\n".join(bullets(part)))
        elif text(part):
            out.append(text(part))
    return "\n\n".join(p for p in out if p)


THESIS = re.compile(
    r"^\s*(?:[-*]\s*)?(?:ph\.?d\.?\s+|master'?s?\s+)?(?:thesis|dissertation)\s*:\s*(.+)$",
    re.I | re.M,
)
ADVISOR = re.compile(
    r"^\s*(?:[-*]\s*)?(?:co-?)?(?:advisor|adviser|supervisor|supervised by)s?\s*:?\s+(.+)$",
    re.I | re.M,
)


def thesis_and_advisors(entry: dict, texts: list[str]) -> tuple[str, list[str]]:
    """From explicit keys (thesis, advisor(s), supervisor(s)), else from 'Thesis: ...' and
    'Advisor: A and B' lines in the entry's text."""
    thesis = text(entry.get("thesis") or entry.get("thesis_title") or entry.get("dissertation"))
    names = []
    for key in ("advisor", "advisors", "adviser", "supervisor", "supervisors"):
        value = entry.get(key)
        names += value if isinstance(value, list) else [value] if value else []
    joined = "\n".join(texts)
    if not thesis and (m := THESIS.search(joined)):
        thesis = m.group(1).strip().strip("“”\"'*_")
    if not names and (m := ADVISOR.search(joined)):
        names = [m.group(1)]
    people = []
    for name in names:
        people += [n.strip(" .") for n in re.split(r",\s*|\s+and\s+|\s*&\s*|;\s*", text(name))]
    return thesis, [n for n in people if n and re.search(r"\w", n)]


# --- JSON Resume --------------------------------------------------------------------

BASICS = {
    "name",
    "label",
    "image",
    "picture",
    "email",
    "phone",
    "url",
    "website",
    "summary",
    "location",
    "profiles",
}
TOP = {
    "$schema",
    "basics",
    "work",
    "volunteer",
    "education",
    "awards",
    "certificates",
    "publications",
    "skills",
    "languages",
    "interests",
    "references",
    "projects",
    "meta",
    "teaching",
}


class JsonResume(Reader):
    format = "JSON Resume"

    def resume_section(self, title: str, key: str, lines: list[str], data: dict, **values):
        self.profile.section(
            title, key, lines, resume_key=key, resume_items=resume_items(data, key), **values
        )

    def read(self) -> Profile:
        data = self.content
        for key in data:
            if key not in TOP:
                self.warn(key, "unknown section; ignored")
        self.basics(data.get("basics") or {})
        for where, e in self.entries("work", data.get("work")):
            self.unknown(
                where,
                e,
                {
                    "name",
                    "company",
                    "position",
                    "url",
                    "website",
                    "location",
                    "startDate",
                    "endDate",
                    "summary",
                    "highlights",
                    "description",
                },
            )
            org = Org(
                text(e.get("name") or e.get("company")), url=text(e.get("url") or e.get("website"))
            )
            org = self.placed(org, e.get("location"))
            self.profile.add(
                "positions",
                where,
                title=text(e.get("position")),
                organization=org,
                start=self.date(e, "startDate", where),
                end=self.date(e, "endDate", where),
                description=description(
                    e.get("description"), e.get("summary"), e.get("highlights")
                ),
            )
        for where, e in self.entries("volunteer", data.get("volunteer")):
            self.unknown(
                where,
                e,
                {
                    "organization",
                    "position",
                    "url",
                    "website",
                    "startDate",
                    "endDate",
                    "summary",
                    "highlights",
                    "location",
                },
            )
            org = Org(text(e.get("organization")), url=text(e.get("url") or e.get("website")))
            self.profile.add(
                "services",
                where,
                role=text(e.get("position")),
                organization=self.placed(org, e.get("location")) if org.name else None,
                start=self.date(e, "startDate", where),
                end=self.date(e, "endDate", where),
                description=description(e.get("summary"), e.get("highlights")),
            )
        for where, e in self.entries("education", data.get("education")):
            self.education(where, e)
        for where, e in self.entries("awards", data.get("awards")):
            self.unknown(where, e, {"title", "date", "awarder", "url", "summary"})
            self.profile.add(
                "awards",
                where,
                title=text(e.get("title")),
                date=self.date(e, "date", where),
                issuer=Org(text(e.get("awarder"))) if text(e.get("awarder")) else None,
                description=description(e.get("summary")),
                url=text(e.get("url")),
            )
        lines = []
        for where, e in self.entries("certificates", data.get("certificates")):
            self.unknown(where, e, {"name", "date", "issuer", "url"})
            when = self.date(e, "date", where)
            name = text(e.get("name"))
            name = f"[{name}]({e['url']})" if e.get("url") else name
            lines.append(
                "- "
                + ", ".join(
                    filter(None, [name, text(e.get("issuer")), str(when.date.year) if when else ""])
                )
            )
        self.resume_section("Certificates", "certificates", lines, data)
        for where, e in self.entries("publications", data.get("publications")):
            self.publication(where, e)
        lines = []
        for where, e in self.entries("skills", data.get("skills")):
            self.unknown(where, e, {"name", "level", "keywords"})
            level = f" ({text(e.get('level'))})" if text(e.get("level")) else ""
            lines.append(
                f"- **{text(e.get('name'))}**{level}: {text(e.get('keywords'))}".rstrip(": ")
            )
        self.resume_section("Skills", "skills", lines, data)
        lines = []
        for where, e in self.entries("languages", data.get("languages")):
            self.unknown(where, e, {"language", "fluency", "countryCode"})
            fluency = f" ({text(e.get('fluency'))})" if text(e.get("fluency")) else ""
            if text(e.get("language")):
                lines.append(f"- {text(e.get('language'))}{fluency}")
        self.resume_section("Languages", "languages", lines, data)
        for where, e in self.entries("interests", data.get("interests")):
            self.unknown(where, e, {"name", "keywords"})
            keywords = e.get("keywords") or []
            self.profile.add(
                "interests",
                where,
                title=text(e.get("name")),
                children=[k for k in keywords if text(k)] if isinstance(keywords, list) else [],
            )
        lines = []
        for where, e in self.entries("references", data.get("references")):
            self.unknown(where, e, {"name", "reference"})
            lines.append(f"- **{text(e.get('name'))}**: {text(e.get('reference'))}")
        # References are for a job application, not a public page: kept, hidden.
        self.resume_section("References", "references", lines, data, visibility="hidden")
        for where, e in self.entries("projects", data.get("projects")):
            self.unknown(
                where,
                e,
                {
                    "name",
                    "description",
                    "summary",
                    "highlights",
                    "keywords",
                    "startDate",
                    "endDate",
                    "url",
                    "roles",
                    "entity",
                    "type",
                },
            )
            start, end = self.date(e, "startDate", where), self.date(e, "endDate", where)
            years = sorted({w.date.year for w in (start, end) if w})
            self.profile.add(
                "projects",
                where,
                title=text(e.get("name")),
                url=text(e.get("url")),
                role=text(e.get("roles")),
                description=description(
                    "–".join(str(y) for y in years),
                    e.get("description"),
                    e.get("summary"),
                    e.get("highlights"),
                    f"Keywords: {text(e.get('keywords'))}" if e.get("keywords") else "",
                ),
            )
        for where, e in self.entries("teaching", data.get("teaching")):
            self.unknown(
                where,
                e,
                {
                    "course",
                    "name",
                    "courseCode",
                    "institution",
                    "organization",
                    "role",
                    "position",
                    "date",
                    "startDate",
                    "year",
                    "term",
                    "url",
                },
            )
            when = partial_date(
                e.get("date") or e.get("startDate") or e.get("year"),
                f"{where}.date",
                self.profile.warnings,
            )
            self.profile.add(
                "teaching",
                where,
                course=text(e.get("course") or e.get("name")),
                course_code=text(e.get("courseCode")),
                date=when,
                organization=Org(text(e.get("institution") or e.get("organization"))),
                role_text=text(e.get("role") or e.get("position")),
                term_text=text(e.get("term")),
                url=text(e.get("url")),
            )
        return self.profile

    def placed(self, org: Org, location) -> Org:
        if location and not org.city:
            if isinstance(location, dict):
                org.city, org.country = (
                    text(location.get("city")),
                    text(location.get("countryCode")),
                )
            else:
                parts = [p.strip() for p in text(location).split(",")]
                org.city = ", ".join(parts[:-1]) if len(parts) > 1 else parts[0]
                org.country = parts[-1] if len(parts) > 1 else ""
        return org

    def basics(self, b) -> None:
        if not isinstance(b, dict):
            self.warn("basics", "should be an object; ignored")
            return
        self.unknown("basics", b, BASICS)
        out = self.profile.basics
        out["full_name"] = text(b.get("name"))
        out["headline"] = text(b.get("label"))[:200]
        out["email"] = text(b.get("email"))
        out["bio"] = text(b.get("summary"))
        out["homepage"] = text(b.get("url") or b.get("website"))
        location = b.get("location") or {}
        if isinstance(location, dict):
            self.unknown(
                "basics.location",
                location,
                {"address", "postalCode", "city", "countryCode", "region"},
            )
            parts = [
                location.get(k) for k in ("address", "postalCode", "city", "region", "countryCode")
            ]
            out["office"] = ", ".join(text(p) for p in parts if text(p))[:300]
        else:
            out["office"] = text(location)[:300]
        if text(b.get("image") or b.get("picture")):
            self.warn("basics.image", "photos are not fetched; upload it on the researcher's page")
        if text(b.get("phone")):
            # Kept for the editor, not shown: a public page is no place for a phone number.
            self.profile.section(
                "Contact", "basics.phone", [f"- Phone: {text(b['phone'])}"], visibility="hidden"
            )
        items = []
        for where, p in self.entries("basics.profiles", b.get("profiles")):
            self.unknown(where, p, {"network", "username", "url"})
            url = text(p.get("url"))
            if not url and text(p.get("username")):
                url = PROFILE_URLS.get(text(p.get("network")).lower(), "")
                url = url + text(p["username"]) if url else ""
            items.append((text(p.get("network")), url, text(p.get("username"))))
        self.links("basics.profiles", items)

    def education(self, where: str, e: dict) -> None:
        self.unknown(
            where,
            e,
            {
                "institution",
                "url",
                "area",
                "studyType",
                "startDate",
                "endDate",
                "score",
                "gpa",
                "courses",
                "highlights",
                "location",
                "summary",
                "thesis",
                "advisor",
                "advisors",
                "supervisor",
                "supervisors",
            },
        )
        texts = [text(e.get("summary")), *(text(h) for h in e.get("highlights") or [])]
        thesis, advisors = thesis_and_advisors(e, texts)
        courses = e.get("courses") or []
        org = self.placed(
            Org(text(e.get("institution")), url=text(e.get("url"))), e.get("location")
        )
        self.profile.add(
            "education",
            where,
            degree_title=text(e.get("studyType")),
            field=text(e.get("area")),
            institution=org,
            start=self.date(e, "startDate", where),
            end=self.date(e, "endDate", where),
            rank_note=text(e.get("score") or e.get("gpa")),
            thesis_title=thesis,
            advisors=advisors,
            description=description(
                e.get("summary"),
                e.get("highlights"),
                f"Courses: {text(courses)}" if courses else "",
            ),
        )

    def publication(self, where: str, e: dict) -> None:
        self.unknown(where, e, {"name", "publisher", "releaseDate", "url", "summary"})
        title = text(e.get("name"))
        when = partial_date(e.get("releaseDate"), f"{where}.releaseDate", self.profile.warnings)
        if not title or when is None:
            self.warn(where, "a paper needs a title and a release date; skipped")
            return
        self.profile.papers.append(
            ParsedWork(
                key=where,
                line=0,
                kind="article",
                title=title,
                year=when.date.year,
                venue=text(e.get("publisher")),
                url=text(e.get("url")),
                abstract=text(e.get("summary")),
                month=when.date.month if when.precision != "year" else None,
                date=when.date.isoformat() if when.precision == "day" else "",
            )
        )


PROFILE_URLS = {
    "github": "https://github.com/",
    "twitter": "https://twitter.com/",
    "x": "https://x.com/",
    "linkedin": "https://www.linkedin.com/in/",
    "orcid": "https://orcid.org/",
    "googlescholar": "https://scholar.google.com/citations?user=",
    "google scholar": "https://scholar.google.com/citations?user=",
    "researchgate": "https://www.researchgate.net/profile/",
    "gitlab": "https://gitlab.com/",
    "mastodon": "",
}


# --- al-folio's cv.yml --------------------------------------------------------------

ROUTES = [
    (r"\beducation|\bdegree", "education"),
    (r"experience|employment|position|appointment|\bwork\b|career", "positions"),
    (r"award|hono(u)?r|prize|fellowship|scholarship|grant", "awards"),
    (r"service|volunteer|review|committee|organi[sz]", "services"),
    (r"teaching|courses taught", "teaching"),
    (r"\bproject", "projects"),
    (r"language", "languages"),
    (r"general information|contact|personal", "basics"),
]
GENERAL = {
    "full name": "full_name",
    "name": "full_name",
    "email": "email",
    "e-mail": "email",
    "website": "homepage",
    "homepage": "homepage",
    "position": "headline",
    "title": "headline",
    "address": "office",
    "office": "office",
}
LINK_IN_TITLE = re.compile(r'<a\s+href="([^"]+)"[^>]*>(.*?)</a>', re.I | re.S)


def route(title: str) -> str:
    low = title.lower()
    if "interest" in low:
        return "section" if re.search(r"\bother\b|hobb|personal", low) else "interests"
    return next((kind for pattern, kind in ROUTES if re.search(pattern, low)), "section")


class AlFolio(Reader):
    format = "al-folio cv.yml"

    def read(self) -> Profile:
        for i, section in enumerate(self.content):
            title = text(section.get("title"))
            where = f"{title or f'section {i + 1}'}"
            self.unknown(where, section, {"title", "type", "contents"})
            kind = section.get("type") or "time_table"
            contents = section.get("contents") or []
            if not isinstance(contents, list):
                self.warn(f"{where}.contents", "should be a list; ignored")
                continue
            if kind not in ("map", "time_table", "list", "nested_list"):
                self.warn(f"{where}.type", f"unknown type {kind!r}; read as a time table")
            target = route(title)
            getattr(self, f"section_{target}")(where, title, contents)
        return self.profile

    def rows(self, where: str, contents: list) -> list[tuple[str, dict]]:
        return self.entries(where, contents)

    def section_basics(self, where: str, title: str, contents: list) -> None:
        kept = []
        for row_where, row in self.rows(where, contents):
            name, value = text(row.get("name")), text(row.get("value"))
            field = GENERAL.get(name.lower())
            if field:
                self.profile.basics.setdefault(field, value)
            elif "language" in name.lower():
                self.profile.section(
                    "Languages",
                    row_where,
                    [f"- {v.strip()}" for v in value.split(",") if v.strip()],
                )
            elif (linked := classify_link(value, name))[0]:
                self.profile.basics.setdefault(*linked)
            else:
                kept.append(f"- **{name}**: {value}")
        self.profile.section(title, where, kept)

    def section_languages(self, where: str, title: str, contents: list) -> None:
        lines = []
        for item in contents:
            if isinstance(item, dict):
                lines.append(
                    f"- {text(item.get('name') or item.get('title'))}"
                    + (f" ({text(item.get('value'))})" if item.get("value") else "")
                )
            else:
                lines.append(f"- {text(item)}")
        self.profile.section("Languages", where, lines)

    def section_section(self, where: str, title: str, contents: list) -> None:
        lines = []
        for item in contents:
            if isinstance(item, dict):
                head = ", ".join(
                    filter(
                        None,
                        [
                            text(item.get("title") or item.get("name")),
                            text(item.get("institution")),
                            text(item.get("value")),
                        ],
                    )
                )
                year = f" ({text(item.get('year'))})" if item.get("year") else ""
                lines.append(f"- {head}{year}")
                lines += [f"  {line}" for line in bullets(item.get("items") or [])]
                lines += [f"  {line}" for line in bullets(_list(item.get("description")))]
            else:
                lines.append(f"- {text(item)}")
        self.profile.section(title or "Other", where, lines)

    def section_interests(self, where: str, title: str, contents: list) -> None:
        for i, item in enumerate(contents):
            if isinstance(item, dict):
                self.profile.add(
                    "interests",
                    f"{where}[{i}]",
                    title=text(item.get("title")),
                    children=[c for c in _list(item.get("items")) if text(c)],
                )
            else:
                self.profile.add("interests", f"{where}[{i}]", title=text(item), children=[])

    def timed(self, where: str, contents: list):
        for row_where, row in self.rows(where, contents):
            self.unknown(
                row_where,
                row,
                {
                    "title",
                    "institution",
                    "year",
                    "description",
                    "items",
                    "location",
                    "advisor",
                    "advisors",
                    "thesis",
                    "supervisor",
                },
            )
            start, end = period(row.get("year"), f"{row_where}.year", self.profile.warnings)
            yield row_where, row, start, end

    def section_education(self, where: str, title: str, contents: list) -> None:
        for row_where, row, start, end in self.timed(where, contents):
            lines = _list(row.get("description"))
            thesis, advisors = thesis_and_advisors(
                row, [text(x) for x in lines if isinstance(x, str)]
            )
            self.profile.add(
                "education",
                row_where,
                degree_title=text(row.get("title")),
                institution=organization_parts(row.get("institution"), row.get("location")),
                start=start if start != end else None,
                end=end,
                thesis_title=thesis,
                advisors=advisors,
                description=description(lines),
            )

    def section_positions(self, where: str, title: str, contents: list) -> None:
        for row_where, row, start, end in self.timed(where, contents):
            self.profile.add(
                "positions",
                row_where,
                title=LINK_IN_TITLE.sub(r"\2", text(row.get("title"))),
                organization=organization_parts(row.get("institution"), row.get("location")),
                start=start,
                end=end,
                description=description(_list(row.get("description"))),
            )

    def section_services(self, where: str, title: str, contents: list) -> None:
        for row_where, row, start, end in self.timed(where, contents):
            org = organization_parts(row.get("institution")) if row.get("institution") else None
            self.profile.add(
                "services",
                row_where,
                role=text(row.get("title")),
                organization=org,
                start=start,
                end=end,
                description=description(_list(row.get("description"))),
            )

    def section_teaching(self, where: str, title: str, contents: list) -> None:
        for row_where, row, start, _ in self.timed(where, contents):
            self.profile.add(
                "teaching",
                row_where,
                course=text(row.get("title")),
                date=start,
                organization=organization_parts(row.get("institution")),
                role_text=text(row.get("title")),
                term_text=text(row.get("year")),
            )

    def section_awards(self, where: str, title: str, contents: list) -> None:
        for row_where, row, start, _ in self.timed(where, contents):
            names = _list(row.get("items")) or [row.get("title")]
            for j, name in enumerate(names):
                self.profile.add(
                    "awards",
                    f"{row_where}.items[{j}]" if row.get("items") else row_where,
                    title=text(name),
                    date=start,
                    issuer=organization_parts(row.get("institution"))
                    if row.get("institution")
                    else None,
                    description=description(_list(row.get("description"))),
                )

    def section_projects(self, where: str, title: str, contents: list) -> None:
        for row_where, row, start, end in self.timed(where, contents):
            name = text(row.get("title"))
            url = ""
            if m := LINK_IN_TITLE.search(name):
                url, name = m.group(1), m.group(2)
            years = "–".join(str(w.date.year) for w in (start, end) if w)
            if end is None and start is not None:
                years += "–"
            self.profile.add(
                "projects",
                row_where,
                title=name,
                url=url,
                description=description(years, _list(row.get("description"))),
            )


def _list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


# --- RenderCV -----------------------------------------------------------------------


class RenderCV(Reader):
    """RenderCV's ``cv``: name, email, website, social_networks and ``sections`` of
    entries, each section routed as al-folio's are and each entry read by its shape."""

    format = "RenderCV"

    def read(self) -> Profile:
        cv = self.content["cv"]
        for key in self.content:
            if key not in ("cv", "design", "locale", "locale_catalog", "rendercv_settings"):
                self.warn(key, "unknown section; ignored")
        self.unknown(
            "cv",
            cv,
            {
                "name",
                "label",
                "headline",
                "location",
                "email",
                "phone",
                "website",
                "photo",
                "social_networks",
                "sections",
            },
        )
        basics = self.profile.basics
        basics["full_name"] = text(cv.get("name"))
        basics["headline"] = text(cv.get("label") or cv.get("headline"))
        basics["email"] = text(cv.get("email"))
        basics["homepage"] = text(cv.get("website"))
        basics["office"] = text(cv.get("location"))
        items = []
        for _, p in self.entries("cv.social_networks", cv.get("social_networks")):
            network, username = text(p.get("network")), text(p.get("username"))
            base = PROFILE_URLS.get(network.lower().replace(" ", ""), "")
            items.append((network, base + username if base else "", username))
        self.links("cv.social_networks", items)
        sections = cv.get("sections") or {}
        if not isinstance(sections, dict):
            self.warn("cv.sections", "should be a mapping of titles to entries; ignored")
            return self.profile
        for key, entries in sections.items():
            title = key.replace("_", " ").strip().capitalize()
            self.section(
                f"cv.sections.{key}", title, entries if isinstance(entries, list) else [entries]
            )
        return self.profile

    def section(self, where: str, title: str, entries: list) -> None:
        kind = route(title)
        lines = []
        for i, e in enumerate(entries):
            at = f"{where}[{i}]"
            if not isinstance(e, dict):
                lines.append(f"- {text(e)}")
                continue
            start = self.date(e, "start_date", at) or self.date(e, "date", at)
            end = self.date(e, "end_date", at) if e.get("end_date") else None
            body = description(e.get("summary"), e.get("highlights"))
            org = organization_parts(
                e.get("institution") or e.get("company") or e.get("name") or "", e.get("location")
            )
            if "institution" in e and ("degree" in e or "area" in e or kind == "education"):
                thesis, advisors = thesis_and_advisors(
                    e, [text(h) for h in e.get("highlights") or []]
                )
                self.profile.add(
                    "education",
                    at,
                    degree_title=text(e.get("degree")),
                    field=text(e.get("area")),
                    institution=org,
                    start=start,
                    end=end,
                    thesis_title=thesis,
                    advisors=advisors,
                    description=body,
                )
            elif "position" in e and kind in ("positions", "section"):
                self.profile.add(
                    "positions",
                    at,
                    title=text(e.get("position")),
                    organization=org,
                    start=start,
                    end=end,
                    description=body,
                )
            elif "authors" in e and "title" in e:
                self.paper(at, e, start)
            elif kind == "awards" and (e.get("name") or e.get("label")):
                self.profile.add(
                    "awards",
                    at,
                    title=text(e.get("name") or e.get("label")),
                    date=start,
                    description=description(e.get("details"), body),
                )
            elif kind == "services" and (e.get("position") or e.get("name")):
                self.profile.add(
                    "services",
                    at,
                    role=text(e.get("position") or e.get("name")),
                    organization=org if e.get("company") or e.get("institution") else None,
                    start=start,
                    end=end,
                    description=body,
                )
            elif kind == "teaching" and e.get("name"):
                self.profile.add(
                    "teaching",
                    at,
                    course=text(e.get("name")),
                    date=start,
                    organization=organization_parts(e.get("location") or ""),
                    role_text=text(e.get("summary")),
                    term_text=text(e.get("date")),
                )
            elif "label" in e:
                lines.append(f"- **{text(e['label'])}**: {text(e.get('details'))}")
            elif "bullet" in e:
                lines.append(f"- {text(e['bullet'])}")
            else:
                head = text(e.get("name") or e.get("title"))
                lines.append(f"- {head}" + (f": {body}" if body else ""))
        if kind == "languages":
            title = "Languages"
        self.profile.section(title, where, lines)

    def paper(self, where: str, e: dict, when) -> None:
        if when is None:
            self.warn(where, "a paper needs a date; skipped")
            return
        authors = [re.sub(r"[*_]+", "", text(a)) for a in _list(e.get("authors"))]
        self.profile.papers.append(
            ParsedWork(
                key=where,
                line=0,
                kind="article",
                title=text(e.get("title")),
                year=when.date.year,
                authors=authors,
                venue=text(e.get("journal")),
                doi=text(e.get("doi")),
                url=text(e.get("url")),
            )
        )
