"""Feeds and sitemaps in the formats sites publish, for stories served by a local test server.

Each builder writes the document a real CMS would (RSS 2.0 with
content:encoded, Atom 1.0, JSON Feed 1.1, RSS 1.0/RDF, a Google News
sitemap, a sitemap index), so the tests parse what the bot will meet.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import format_datetime
from html import escape

from tests.pages import PARAGRAPHS, Route, article_page

MORE = [
    "Diplomats from several European capitals met on Tuesday to compare notes on the camp, and some of them "
    "asked for an independent inspection before the end of the year.",
    "A spokesman for the government in Tirana said the arrangement was temporary, but gave no date for its end "
    "and declined to say how many people now live there.",
    "Human rights groups have documented complaints from former members, who describe strict rules, "
    "confiscated passports and long sessions of self-criticism in front of the leadership.",
]


@dataclass(frozen=True)
class Story:
    """One article a test site publishes: its page and what its feed says about it."""

    slug: str
    title: str
    published: datetime
    paragraphs: tuple[str, ...]
    author: str = "A. Reporter"

    def url(self, base: str) -> str:
        return f"{base}/news/{self.slug}"

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def summary(self) -> str:
        return self.paragraphs[0][:120] + "…"

    def html(self) -> str:
        return "".join(f"<p>{escape(paragraph)}</p>" for paragraph in self.paragraphs)

    def page(self, base: str) -> Route:
        return Route(body=article_page(self.title, list(self.paragraphs), canonical=self.url(base)).encode())


def stories(count: int, *, start: datetime, prefix: str = "story", topic: str = "Albania") -> list[Story]:
    """``count`` stories an hour apart, newest last; each long enough to count as full text in a feed."""
    return [
        Story(
            slug=f"{prefix}-{n}",
            title=f"{topic} report {n}: what the {prefix} {n} found",
            published=start + timedelta(hours=n),
            paragraphs=(f"{topic} item {n} ({prefix}). " + PARAGRAPHS[n % 3], *PARAGRAPHS, *MORE),
        )
        for n in range(1, count + 1)
    ]


def rss2(base: str, items: list[Story], *, full_text: bool = True, title: str = "Example News") -> bytes:
    entries = "".join(
        f"""
    <item>
      <title>{escape(story.title)}</title>
      <link>{story.url(base)}?utm_source=rss&amp;utm_medium=feed</link>
      <guid isPermaLink="false">example-{story.slug}</guid>
      <pubDate>{format_datetime(story.published)}</pubDate>
      <dc:creator>{escape(story.author)}</dc:creator>
      <description>{escape(story.summary)}</description>
      {f"<content:encoded><![CDATA[{story.html()}]]></content:encoded>" if full_text else ""}
    </item>"""
        for story in reversed(items)
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>{escape(title)}</title>
    <link>{base}/</link>
    <description>The latest news</description>
    <atom:link href="{base}/feed.xml" rel="self" type="application/rss+xml"/>{entries}
  </channel>
</rss>""".encode()


def atom(base: str, items: list[Story], *, title: str = "Example News (Atom)") -> bytes:
    """An Atom feed with summaries only: the pages must be fetched."""
    entries = "".join(
        f"""
  <entry>
    <title type="html">{escape(story.title)}</title>
    <link rel="alternate" type="text/html" href="{story.url(base)}"/>
    <id>tag:example.com,2026:{story.slug}</id>
    <updated>{story.published.isoformat()}</updated>
    <published>{story.published.isoformat()}</published>
    <author><name>{escape(story.author)}</name></author>
    <summary>{escape(story.summary)}</summary>
  </entry>"""
        for story in reversed(items)
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>{escape(title)}</title>
  <link href="{base}/"/>
  <updated>{items[-1].published.isoformat()}</updated>
  <id>tag:example.com,2026:feed</id>{entries}
</feed>""".encode()


def json_feed(base: str, items: list[Story], *, title: str = "Example News (JSON)") -> bytes:
    return json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": title,
            "home_page_url": f"{base}/",
            "feed_url": f"{base}/feed.json",
            "items": [
                {
                    "id": f"{base}/?p={story.slug}",
                    "url": story.url(base),
                    "title": story.title,
                    "content_html": story.html(),
                    "summary": story.summary,
                    "date_published": story.published.isoformat(),
                    "authors": [{"name": story.author}],
                }
                for story in reversed(items)
            ],
        }
    ).encode()


def rss1(base: str, items: list[Story]) -> bytes:
    """RSS 1.0 (RDF), summaries only."""
    entries = "".join(
        f"""
  <item rdf:about="{story.url(base)}">
    <title>{escape(story.title)}</title>
    <link>{story.url(base)}</link>
    <description>{escape(story.summary)}</description>
    <dc:date>{story.published.isoformat()}</dc:date>
  </item>"""
        for story in items
    )
    return f"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="{base}/rss1.xml"><title>Example News (RSS 1.0)</title><link>{base}/</link>
    <description>News</description></channel>{entries}
</rdf:RDF>""".encode()


def news_sitemap(base: str, items: list[Story]) -> bytes:
    """A Google News sitemap: titles and dates, no text."""
    urls = "".join(
        f"""
  <url>
    <loc>{story.url(base)}</loc>
    <news:news>
      <news:publication><news:name>Example News</news:name><news:language>en</news:language></news:publication>
      <news:publication_date>{story.published.isoformat()}</news:publication_date>
      <news:title>{escape(story.title)}</news:title>
    </news:news>
  </url>"""
        for story in items
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{urls}
</urlset>""".encode()


def sitemap(base: str, items: list[Story]) -> bytes:
    urls = "".join(
        f"\n  <url><loc>{story.url(base)}</loc><lastmod>{story.published.date().isoformat()}</lastmod></url>"
        for story in items
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}
</urlset>""".encode()


def sitemap_index(locations: list[str]) -> bytes:
    entries = "".join(f"\n  <sitemap><loc>{location}</loc></sitemap>" for location in locations)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}
</sitemapindex>""".encode()


def site(base_routes: dict[str, Route], base: str, items: list[Story]) -> None:
    """Add every story's page to ``base_routes``."""
    for story in items:
        base_routes[f"/news/{story.slug}"] = story.page(base)
