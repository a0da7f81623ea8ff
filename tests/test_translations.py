"""Spanish, completely: the catalogs, every public page at /es/, the language switch, Spanish
conventions, texts curators keep in both languages, Spanish meetings preferred, admin in Spanish.
"""

import re
import shutil
from datetime import time
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from groups.models import Attendance, Format, Group, Meeting, Program

LOCALE = Path(settings.BASE_DIR) / "locale"
OTHER_LANGUAGES = [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
# %(name)s, %s, %d and the {word} the scripts fill in.
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]|\{\w+\}")
TAG = re.compile(r"</?([a-z]+)")
# Words that are English and never Spanish: on a Spanish page, any of them is a string that no
# one marked for translation.
ENGLISH_WORDS = [
    "the", "and", "you", "your", "with", "meeting", "meetings", "near", "within", "this",
    "that", "from", "find", "starts", "today", "tomorrow", "online", "search", "other", "more",
    "what", "when", "where", "who", "how", "for", "of", "to", "is", "are", "not", "no longer",
    "Sample", "Share", "Print", "Join", "Report", "Suggest", "Choose", "Back", "English",
    "Spanish", "Location", "Language",
]  # fmt: skip
# How Django's own Spanish catalog addresses the reader ("usted"); our pages say "tú".
USTED = re.compile(r"\b(usted|Introduzca|Asegúrese|Escoja|Seleccione|Ingrese|Por favor)\b")


def catalog(code):
    return polib.pofile(str(LOCALE / code / "LC_MESSAGES" / "django.po"))


def translated_forms(entry):
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


# The catalogs


@pytest.mark.parametrize("code", OTHER_LANGUAGES)
def test_the_catalog_is_complete(code):
    po = catalog(code)
    assert len(po) > 500
    assert [entry.msgid for entry in po.untranslated_entries()] == []
    assert [entry.msgid for entry in po.fuzzy_entries()] == []
    for entry in po:
        assert all(form.strip() for form in translated_forms(entry)), entry.msgid


@pytest.mark.parametrize("code", OTHER_LANGUAGES)
def test_translations_keep_every_placeholder_and_tag(code):
    for entry in catalog(code):
        for source, form in zip(
            [entry.msgid] + [entry.msgid_plural] * 2, translated_forms(entry), strict=False
        ):
            # A singular may leave its count out ("Una reunión"); the rest must all be there.
            expected = set(PLACEHOLDER.findall(source)) - (
                {"counter"} if entry.msgid_plural else set()
            )
            assert expected <= set(PLACEHOLDER.findall(form)), (entry.msgid, form)
            assert set(PLACEHOLDER.findall(form)) <= set(PLACEHOLDER.findall(source)) | {
                "counter"
            }, (entry.msgid, form)
            assert sorted(TAG.findall(form)) == sorted(TAG.findall(source)), (entry.msgid, form)


@pytest.mark.parametrize("code", OTHER_LANGUAGES)
def test_the_compiled_catalog_is_the_catalog_compiled(code):
    """The .mo files are committed, so a fresh machine needs no gettext: they must be current."""
    po = catalog(code)
    mo = polib.mofile(str(LOCALE / code / "LC_MESSAGES" / "django.mo"))

    def messages(entries):
        return {
            (entry.msgctxt, entry.msgid): tuple(translated_forms(entry))
            for entry in entries
            if entry.msgid
        }

    assert messages(mo) == messages(po.translated_entries())


@pytest.mark.skipif(not shutil.which("xgettext"), reason="makemessages needs GNU gettext")
def test_the_catalog_holds_every_message_of_the_code(tmp_path, settings, monkeypatch):
    """``make messages`` would add nothing: every string marked in the code is in the catalog.

    Gathered from a copy of the code, so that the catalogs here are left as they are.
    """
    for folder in ("directory", "groups", "templates"):
        shutil.copytree(Path(settings.BASE_DIR) / folder, tmp_path / folder)
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", locale=OTHER_LANGUAGES, add_location="file", verbosity=0)
    for code in OTHER_LANGUAGES:
        fresh = polib.pofile(str(tmp_path / "locale" / code / "LC_MESSAGES" / "django.po"))
        wanted = {(entry.msgctxt, entry.msgid) for entry in fresh}
        held = {(entry.msgctxt, entry.msgid) for entry in catalog(code)}
        assert wanted - held == set(), "run `make messages` and translate the new entries"
        assert held - wanted == set(), "run `make messages` to drop entries no longer used"


# Every public page in Spanish


class VisibleText(HTMLParser):
    """The words a visitor reads or hears: text, titles and labels, not scripts or data, and not
    the parts marked as another language (the switch to English)."""

    SPOKEN = ("aria-label", "title", "placeholder", "alt")
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}

    def __init__(self, page_language):
        super().__init__()
        self.page_language = page_language
        self.parts, self.skipping = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.VOID:
            if not self.skipping:
                self.parts += [attrs[name] for name in self.SPOKEN if attrs.get(name)]
                if tag == "meta" and attrs.get("name") == "description":
                    self.parts.append(attrs["content"])
            return
        other_language = attrs.get("lang") not in (None, self.page_language)
        self.skipping.append(
            tag in ("script", "style")
            or other_language
            or bool(self.skipping and self.skipping[-1])
        )
        if not self.skipping[-1]:
            self.parts += [attrs[name] for name in self.SPOKEN if attrs.get(name)]

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.skipping:
            self.skipping.pop()

    def handle_data(self, data):
        if not (self.skipping and self.skipping[-1]):
            self.parts.append(data)

    @classmethod
    def of(cls, html, language):
        parser = cls(language)
        parser.feed(html)
        return " ".join(" ".join(parser.parts).split())


def english_left(text, data=()):
    """The English catalog's messages and the English words found in ``text``, once the data
    shown on the page (names of meetings, venues and programs, addresses) is taken out."""
    text = re.sub(r"https?://\S+", " ", text)
    for item in sorted(data, key=len, reverse=True):
        text = text.replace(item, " ")
    found = []
    for entry in catalog(OTHER_LANGUAGES[0]).translated_entries():
        if entry.msgstr == entry.msgid or len(entry.msgid) < 4:
            continue  # The same in both languages ("LGBTQ", "km"), or too short to tell.
        message = " ".join(re.sub(r"<[^>]+>", " ", entry.msgid).split())
        pieces = [re.escape(piece.strip()) for piece in PLACEHOLDER.split(message)[::2]]
        pattern = r"\s*.{1,80}?\s*".join(piece for piece in pieces if piece)
        if pattern and re.search(rf"(?<!\w){pattern}(?!\w)", text):
            found.append(entry.msgid)
    found += [word for word in ENGLISH_WORDS if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text)]
    return found


@pytest.fixture
def spanish_site(make_meeting, make_location, programs, portland):
    """Listings whose own words are Spanish, so that any English left on a page is ours."""
    hall = make_location(
        name="Casa Comunal", address="1 Calle Mayor", postal_code="97205", directions="Sótano."
    )
    group = Group.objects.create(program=programs["na"], name="Grupo Esperanza", notes="Abierto.")
    meetings = {
        "near": make_meeting(
            name="Esperanza", location=hall, group=group, language="es", formats=["O", "BE"],
            notes="Café y galletas.",
        ),
        "online": make_meeting(
            program=programs["smart"], name="Herramientas", attendance=Attendance.ONLINE,
            language="es", conference_url="https://zoom.us/j/1", conference_phone="+16465588656",
            timezone="America/Los_Angeles",
        ),
    }  # fmt: skip
    names = [meeting.name for meeting in meetings.values()] + [hall.name, group.name]
    names += ["Narcóticos Anónimos", *Program.objects.values_list("name_en", flat=True)]
    names += ["Portland", "America/Los_Angeles", "1 Calle Mayor", "Sótano.", "Café y galletas."]
    return {"meetings": meetings, "data": names, "hall": hall, "group": group}


def spanish(path):
    with translation.override("es"):
        return path if path.startswith("/es/") else "/es" + path


@pytest.mark.parametrize(
    ("page", "status"),
    [
        ("home", 200),
        ("results", 200),
        ("dead end", 200),
        ("meeting", 200),
        ("online meeting", 200),
        ("program", 200),
        ("choosing", 200),
        ("group", 200),
        ("location", 200),
        ("suggestion with errors", 400),
        ("new meeting form", 200),
        ("thanks", 200),
        ("not found", 404),
    ],
)
def test_every_public_page_reads_in_spanish(client, spanish_site, page, status):
    meetings = spanish_site["meetings"]
    with translation.override("es"):
        urls = {
            "home": reverse("groups:home"),
            "results": reverse("groups:meeting_list")
            + "?q=Portland%2C+OR&prefer_philosophy=secular&prefer_format=BE&attendance=in-person"
            "&attendance=online&unit=mi",
            "dead end": reverse("groups:meeting_list")
            + "?q=Portland%2C+OR&program=lifering&radius=5",
            "meeting": meetings["near"].get_absolute_url(),
            "online meeting": meetings["online"].get_absolute_url(),
            "program": reverse("groups:program", args=["smart"]),
            "choosing": reverse("groups:choosing"),
            "group": spanish_site["group"].get_absolute_url(),
            "location": spanish_site["hall"].get_absolute_url(),
            "suggestion with errors": reverse(
                "groups:suggest_change", args=[meetings["near"].slug]
            ),
            "new meeting form": reverse("groups:suggest_meeting"),
            "thanks": reverse("groups:suggest_thanks"),
            "not found": "/es/no-such-page/",
        }
    url = urls[page]
    assert url.startswith("/es/")
    if page == "suggestion with errors":
        # Django's own messages too: a bad time, web address, e-mail and choice, a long text.
        wrong = {
            "name": "",
            "start_time": "25:99",
            "conference_url": "not a link",
            "submitter_email": "nobody",
            "attendance": "teleport",
            "language": "x" * 50,
        }
        response = client.post(url, wrong)  # fmt: skip
    else:
        response = client.get(url)
    assert response.status_code == status
    html = response.content.decode()
    assert '<html lang="es">' in html
    text = VisibleText.of(html, "es")
    assert english_left(text, spanish_site["data"]) == []
    assert not USTED.search(text), USTED.search(text)


def test_the_outage_page_reads_in_spanish(client, database_down):
    response = client.get("/es/meetings/?q=Portland")
    assert response.status_code == 503
    assert english_left(VisibleText.of(response.content.decode(), "es")) == []


def test_the_english_pages_stay_english(client, spanish_site):
    html = client.get(reverse("groups:meeting_list") + "?q=Portland%2C+OR").content.decode()
    assert '<html lang="en">' in html and "1 meeting" in html
    with translation.override("es"):
        spanish_count = translation.ngettext("%(counter)s meeting", "%(counter)s meetings", 1)
    assert spanish_count % {"counter": 1} not in html


def test_the_head_kept_per_process_is_each_languages_own(client, spanish_site):
    """The head's description and links are made once per language, not once for all."""

    def description(path):
        html = client.get(path).content.decode()
        return re.search(r'<meta name="description" content="([^"]+)">', html)[1]

    text = (
        "Find Narcotics Anonymous, Dual Recovery Anonymous, SOS, SMART Recovery and LifeRing "
        "meetings near you or online."
    )
    with translation.override("es"):
        in_spanish = translation.gettext(text)
    assert in_spanish != text
    assert description("/choosing/") == text
    assert description("/es/choosing/") == in_spanish
    assert description("/meetings/") == text


# Addresses and the language switch


def switch_links(html):
    return dict(re.findall(r'<a href="([^"]+)" hreflang="(\w+)" lang="\w+">', html))


def test_the_switch_keeps_the_page_and_its_search(client, spanish_site):
    english = "/meetings/?q=Portland%2C+OR&day=2&prefer_philosophy=secular"
    html = client.get(english).content.decode()
    assert switch_links(html) == {
        "/es/meetings/?q=Portland%2C+OR&amp;day=2&amp;prefer_philosophy=secular": "es"
    }
    html = client.get("/es" + english).content.decode()
    assert switch_links(html) == {
        "/meetings/?q=Portland%2C+OR&amp;day=2&amp;prefer_philosophy=secular": "en"
    }
    meeting = spanish_site["meetings"]["near"].get_absolute_url()
    assert switch_links(client.get(meeting).content.decode()) == {"/es" + meeting: "es"}


def test_the_results_pages_links_are_each_languages_own(client, spanish_site):
    """The form, its place suggestions and the exports of a results page, in each language
    (their paths are reversed once per language, not once for all)."""

    def links(path):
        html = client.get(path).content.decode()
        form = re.search(r'<form class="search-form" method="get" action="([^"]+)"', html)[1]
        suggest = re.search(r'data-suggest="([^"]+)"', html)[1]
        exports = re.findall(r'<a class="button secondary" href="([^"?]+)\?q=', html)
        return form, suggest, exports

    english = links("/meetings/?q=Portland%2C+OR")
    spanish = links("/es/meetings/?q=Portland%2C+OR")
    assert english == (
        reverse("groups:meeting_list"),
        reverse("groups:place_suggestions"),
        [reverse("groups:meetings_ics"), reverse("groups:meetings_csv")],
    )
    with translation.override("es"):
        assert spanish == (
            reverse("groups:meeting_list"),
            reverse("groups:place_suggestions"),
            [reverse("groups:meetings_ics"), reverse("groups:meetings_csv")],
        )
    assert spanish[0] == "/es/meetings/" and english[0] == "/meetings/"
    assert links("/meetings/?q=Portland%2C+OR") == english  # Not the Spanish ones, once kept.


def test_hreflang_alternates_name_every_language_and_a_default(client, spanish_site):
    html = client.get("/es/choosing/").content.decode()
    alternates = dict(
        re.findall(r'<link rel="alternate" hreflang="([\w-]+)" href="([^"]+)">', html)
    )
    assert alternates == {
        "en": "http://testserver/choosing/",
        "es": "http://testserver/es/choosing/",
        "x-default": "http://testserver/choosing/",
    }
    # A page that does not exist has no alternates; its switch leads to the other home page.
    for missing in ("/es/no-such-page/", "/es/meetings/no-such-meeting/"):
        html = client.get(missing).content.decode()
        assert 'hreflang="en" href' not in html and switch_links(html) == {"/": "en"}, missing


def test_the_feed_and_calendars_keep_their_unprefixed_addresses(client, spanish_site):
    meeting = spanish_site["meetings"]["near"]
    assert client.get("/meetings.json").status_code == 200
    assert client.get(f"/meetings/{meeting.slug}.ics").status_code == 200
    assert client.get("/meetings.ics?q=Portland%2C+OR").status_code == 200
    # The feed is one text whatever the address: the same bytes, in English, with English links.
    english, spanish = client.get("/meetings.json"), client.get("/es/meetings.json")
    assert b"".join(english.streaming_content) == b"".join(spanish.streaming_content)


def test_a_spanish_calendar_describes_the_meeting_in_spanish(client, spanish_site):
    meeting = spanish_site["meetings"]["near"]
    english = client.get(f"/meetings/{meeting.slug}.ics").content.decode()
    spanish = client.get(f"/es/meetings/{meeting.slug}.ics").content.decode()
    assert "Details and changes" in english and "Details and changes" not in spanish
    with translation.override("es"):
        details = translation.gettext("Details and changes: %(url)s") % {"url": ""}
    assert details.strip() in spanish
    assert f"/es/meetings/{meeting.slug}/" in spanish


# Spanish conventions


def test_days_times_and_distances_follow_spanish_conventions(
    client, meeting_at, portland, north_of
):
    meeting_at(north_of(portland, 3.2), name="Esperanza", weekday=2, start_time=time(19, 30))
    english = client.get("/meetings/?q=Portland%2C+OR").content.decode()
    spanish = client.get("/es/meetings/?q=Portland%2C+OR").content.decode()
    assert "3.2 km" in english and "Tuesday 19:30" in english
    assert "3,2 km" in spanish and "Martes 19:30" in spanish
    meeting = Meeting.objects.get(name="Esperanza")
    page = VisibleText.of(client.get("/es" + meeting.get_absolute_url()).content.decode(), "es")
    assert "martes" in page and "19:30" in page and "Tuesday" not in page


# Texts curators keep in both languages


def test_program_texts_are_in_spanish_and_fall_back_to_english(client, programs):
    na = programs["na"]
    assert na.name_es == "Narcóticos Anónimos" and na.approach_es
    page = client.get("/es/programs/na/").content.decode()
    assert "Narcóticos Anónimos" in page and na.approach_es in page
    assert na.approach_en not in page
    # A text nobody translated yet shows in English rather than leaving the page empty.
    smart = programs["smart"]
    smart.good_fit_es = ""
    smart.save()
    page = client.get("/es/programs/smart/").content.decode()
    assert smart.good_fit_en in page and smart.approach_es in page


def test_a_format_name_edited_in_admin_shows_at_once(client, spanish_site):
    newcomer = Format.objects.get(code="BE")
    assert newcomer.name_es == "Principiantes"
    newcomer.name_es = "Recién llegados"
    newcomer.save()
    results = client.get("/es/meetings/?q=Portland%2C+OR&format=BE").content.decode()
    assert "Recién llegados" in results and "Principiantes" not in results
    meeting = client.get("/es" + spanish_site["meetings"]["near"].get_absolute_url())
    assert "Recién llegados" in meeting.content.decode()
    assert "Newcomer" in client.get("/meetings/?q=Portland%2C+OR&format=BE").content.decode()


def test_every_format_has_its_spanish_name_and_description(db):
    for format_ in Format.objects.all():
        assert format_.name_es and format_.description_es, format_.code
        assert format_.description_es != format_.description_en, format_.code


# Meetings in Spanish


def test_spanish_pages_prefer_spanish_meetings_and_say_so(client, meeting_at, portland, north_of):
    meeting_at(north_of(portland, 3), name="Hope", language="en")
    meeting_at(north_of(portland, 5), name="Esperanza", language="es")
    english = client.get("/meetings/?q=Portland%2C+OR").content.decode()
    spanish = client.get("/es/meetings/?q=Portland%2C+OR").content.decode()
    assert english.index(">Hope<") < english.index(">Esperanza<")
    assert spanish.index(">Esperanza<") < spanish.index(">Hope<")
    with translation.override("es"):
        reason = translation.pgettext("reason: held in the language of these pages", "in English")
    assert reason == "en español"

    def reasons(html):
        return re.findall(r'<p class="result-why">([^<]*)</p>', html)

    assert [reason in line for line in reasons(spanish)] == [True, False]
    assert not any(reason in line for line in reasons(english))


def test_only_meetings_in_spanish_is_one_tap(client, meeting_at, portland, north_of):
    meeting_at(north_of(portland, 3), name="Hope", language="en")
    meeting_at(north_of(portland, 5), name="Esperanza", language="es")
    spanish = client.get("/es/meetings/?q=Portland%2C+OR").content.decode()
    link = re.search(r'<a href="(\?[^"]*language=es[^"]*)">Solo reuniones en español</a>', spanish)
    assert link, "no one-tap choice for meetings in Spanish"
    only = client.get("/es/meetings/" + link.group(1).replace("&amp;", "&")).content.decode()
    assert ">Esperanza<" in only and ">Hope<" not in only
    assert "language=es" not in client.get("/meetings/?q=Portland%2C+OR").content.decode()


# Admin in Spanish


def test_admin_speaks_spanish(client, spanish_site):
    admin = get_user_model().objects.create_superuser("admin", "admin@example.org", "x" * 16)
    client.force_login(admin)
    page = client.get("/es/admin/groups/meeting/").content.decode()
    with translation.override("es"):
        ours = [
            str(Meeting._meta.verbose_name_plural).capitalize(),
            str(Meeting._meta.get_field("start_time").verbose_name).capitalize(),
        ]
        django_own = translation.gettext("Add %(name)s") % {"name": Meeting._meta.verbose_name}
    for text in ours:
        assert text in page and text != "Meetings"
    assert "Location city" not in page and "Ciudad" in page
    assert django_own in page
    form = client.get(f"/es/admin/groups/meeting/{spanish_site['meetings']['near'].pk}/change/")
    assert form.status_code == 200
    with translation.override("es"):
        help_text = str(Meeting._meta.get_field("end_time").help_text)
    assert help_text in form.content.decode()
    with translation.override("en"):
        assert str(Meeting._meta.get_field("end_time").help_text) not in form.content.decode()
    # Both languages of a program's texts side by side.
    program = client.get(f"/es/admin/groups/program/{Program.objects.get(slug='na').pk}/change/")
    assert 'name="approach_en"' in program.content.decode()
    assert 'name="approach_es"' in program.content.decode()
