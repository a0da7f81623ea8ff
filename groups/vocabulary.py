"""Fixed vocabularies: the five programs, days, attendance, and the meeting format codes.

Format codes follow the Meeting Guide feed specification (code4recovery/spec, data/types.json,
MIT licence; English and Spanish names kept from it) so our feed speaks the language of the apps
that read it. Codes marked ``ours=True`` are this directory's own, chosen not to collide with any
adopted or proposed Meeting Guide code. The data migrations load this table; from then on the
names and descriptions curators see and edit in admin, in every language, are the database's
(groups.models.programs.names).
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

ACCESS = "access"
FORMAT = "format"
AUDIENCE = "audience"
ACCESSIBILITY = "accessibility"
LANGUAGE = "language"
OTHER = "other"


@dataclass(frozen=True)
class FormatTerm:
    code: str
    category: str
    name: str
    name_es: str
    description: str
    ours: bool = False
    description_es: str = ""


PROGRAMS = {
    "na": ("Narcotics Anonymous", "NA", "twelve-step"),
    "dra": ("Dual Recovery Anonymous", "DRA", "twelve-step"),
    "sos": ("Secular Organizations for Sobriety", "SOS", "secular"),
    "smart": ("SMART Recovery", "SMART", "secular"),
    "lifering": ("LifeRing Secular Recovery", "LifeRing", "secular"),
}

# ISO 639-1 language code -> (English name, Meeting Guide type code, Spanish name).
LANGUAGES = {
    "en": ("English", "EN", "Inglés"),
    "es": ("Spanish", "S", "Español"),
    "fr": ("French", "FR", "Francés"),
    "de": ("German", "DE", "Alemán"),
    "it": ("Italian", "ITA", "Italiano"),
    "pt": ("Portuguese", "POR", "Portugués"),
    "nl": ("Dutch", "NL", "Holandés"),
    "pl": ("Polish", "POL", "Polaco"),
    "ru": ("Russian", "RUS", "Ruso"),
    "uk": ("Ukrainian", "UK", "Ucraniano"),
    "ja": ("Japanese", "JA", "Japonés"),
    "ko": ("Korean", "KOR", "Coreano"),
    "ar": ("Arabic", "AR", "Árabe"),
    "fa": ("Persian", "FA", "Persa"),
    "he": ("Hebrew", "HE", "Hebreo"),
    "hi": ("Hindi", "HI", "Hindi"),
    "pa": ("Punjabi", "PUN", "Punjabi"),
    "tl": ("Tagalog", "TL", "Tagalo"),
    "th": ("Thai", "TH", "Tailandés"),
    "tr": ("Turkish", "TUR", "Turco"),
    "el": ("Greek", "EL", "Griego"),
    "sv": ("Swedish", "SV", "Sueco"),
    "no": ("Norwegian", "NO", "Noruego"),
    "da": ("Danish", "DA", "Danés"),
    "fi": ("Finnish", "FI", "Finlandés"),
    "is": ("Icelandic", "IS", "Islandés"),
    "hu": ("Hungarian", "HU", "Húngaro"),
    "hr": ("Croatian", "HR", "Croata"),
    "sk": ("Slovak", "SK", "Eslovaco"),
    "sl": ("Slovenian", "SL", "Esloveno"),
    "lt": ("Lithuanian", "LT", "Lituano"),
    "bg": ("Bulgarian", "BG", "Búlgaro"),
    "ka": ("Georgian", "KA", "Georgiano"),
    "af": ("Afrikaans", "AF", "Afrikáans"),
    "am": ("Amharic", "AM", "Amárico"),
    "ml": ("Malayalam", "ML", "Malayalam"),
    "mt": ("Maltese", "MT", "Maltés"),
    "ne": ("Nepali", "NE", "Nepalí"),
}

_TERMS = [
    # Access: who may attend.
    ("O", ACCESS, "Open", "Abierta", "Anyone may come, including friends, family and the curious."),
    (
        "C",
        ACCESS,
        "Closed",
        "Cerrada",
        "For people who have a problem with drugs or alcohol, or think they might.",
    ),
    # How the meeting runs.
    ("D", FORMAT, "Discussion", "Discusión", "People take turns sharing on a topic."),
    ("SP", FORMAT, "Speaker", "Orador", "One or more members tell their story."),
    ("ST", FORMAT, "Step Study", "Estudio de pasos", "The group reads and talks about the steps."),
    (
        "TR",
        FORMAT,
        "Tradition Study",
        "Estudio de tradicion",
        "The group reads and talks about the traditions that guide how groups work.",
    ),
    ("LIT", FORMAT, "Literature", "Literatura", "The group reads from program books and talks."),
    ("MED", FORMAT, "Meditation", "Meditación", "Includes a time of quiet meditation."),
    (
        "11",
        FORMAT,
        "11th Step Meditation",
        "Meditación del Paso 11",
        "Meditation on the eleventh step.",
    ),
    (
        "12x12",
        FORMAT,
        "12 Steps & 12 Traditions",
        "12 Pasos y 12 Tradiciones",
        "Study of the steps and traditions book.",
    ),
    ("B", FORMAT, "Big Book", "Libro Grande", "Study of the Big Book."),
    ("ABSI", FORMAT, "As Bill Sees It", "Como lo ve Bill", "Readings from As Bill Sees It."),
    ("DR", FORMAT, "Daily Reflections", "Reflexiones Diarias", "Readings from Daily Reflections."),
    ("GR", FORMAT, "Grapevine", "La Viña", "Readings from the Grapevine magazine."),
    ("LS", FORMAT, "Living Sober", "Viviendo Sobrio", "Readings from Living Sober."),
    ("CAN", FORMAT, "Candlelight", "Luz de una vela", "Held by candlelight."),
    ("BRK", FORMAT, "Breakfast", "Desayuno", "Breakfast is part of the meeting."),
    ("H", FORMAT, "Birthday", "Cumpleaños", "Members mark their clean or sober anniversaries."),
    (
        "XT",
        FORMAT,
        "Cross Talk Permitted",
        "Se permite opinar",
        "Members may respond directly to each other's shares.",
    ),
    ("OUT", FORMAT, "Outdoor", "Al aire libre", "Held outdoors."),
    # Who the meeting is for.
    (
        "BE",
        AUDIENCE,
        "Newcomer",
        "Principiantes",
        "Newcomers welcome: made for people who are new.",
    ),
    ("W", AUDIENCE, "Women", "Mujeres", "For women."),
    ("M", AUDIENCE, "Men", "Hombres", "For men."),
    (
        "LGBTQ",
        AUDIENCE,
        "LGBTQ",
        "LGBTQ",
        "For lesbian, gay, bisexual, transgender and queer people.",
    ),
    ("G", AUDIENCE, "Gay", "Gay", "For gay people."),
    ("L", AUDIENCE, "Lesbian", "Lesbiana", "For lesbians."),
    ("BI", AUDIENCE, "Bisexual", "Bisexual", "For bisexual people."),
    ("T", AUDIENCE, "Transgender", "Transgénero", "For transgender people."),
    ("NB", AUDIENCE, "Non-Binary", "No binario", "For non-binary people."),
    ("Y", AUDIENCE, "Young People", "Gente joven", "For young people."),
    ("SEN", AUDIENCE, "Seniors", "Personas mayores", "For older people."),
    ("P", AUDIENCE, "Professionals", "Profesionales", "For people in a profession."),
    ("POC", AUDIENCE, "People of Color", "Gente de color", "For people of colour."),
    ("N", AUDIENCE, "Native American", "Nativo Americano", "For Native Americans."),
    ("NDG", AUDIENCE, "Indigenous", "Indígena", "For Indigenous people."),
    (
        "DD",
        AUDIENCE,
        "Dual Diagnosis",
        "Diagnóstico dual",
        "For people living with both addiction and a mental health condition.",
    ),
    ("A", AUDIENCE, "Secular", "Secular", "No prayer and no talk of a higher power."),
    (
        "AL",
        AUDIENCE,
        "Concurrent with Alateen",
        "Concurrente con Alateen",
        "An Alateen meeting runs at the same time.",
    ),
    (
        "AL-AN",
        AUDIENCE,
        "Concurrent with Al-Anon",
        "Concurrente con Al-Anon",
        "An Al-Anon meeting runs at the same time.",
    ),
    # Getting in and taking part.
    (
        "X",
        ACCESSIBILITY,
        "Wheelchair Access",
        "Acceso en silla de ruedas",
        "The room can be reached in a wheelchair.",
    ),
    (
        "XB",
        ACCESSIBILITY,
        "Wheelchair-Accessible Bathroom",
        "Baño accesible para sillas de ruedas",
        "A bathroom usable in a wheelchair.",
    ),
    (
        "ASL",
        ACCESSIBILITY,
        "American Sign Language",
        "Lenguaje por señas",
        "Interpreted in American Sign Language.",
    ),
    (
        "FF",
        ACCESSIBILITY,
        "Fragrance Free",
        "Sin fragancia",
        "Please wear no perfume or scented products.",
    ),
    (
        "BA",
        ACCESSIBILITY,
        "Babysitting Available",
        "Guardería disponible",
        "Someone looks after children during the meeting.",
    ),
    ("CF", ACCESSIBILITY, "Child-Friendly", "Niño amigable", "Children are welcome."),
    # Proposed Meeting Guide codes, not yet adopted; kept so their meaning matches when adopted.
    (
        "BV-I",
        ACCESSIBILITY,
        "Blind / Visually Impaired",
        "Ciego / Discapacidad Visual",
        "Set up for people who are blind or have low vision.",
    ),
    (
        "D-HOH",
        ACCESSIBILITY,
        "Deaf / Hard of Hearing",
        "Sordo / Duro de Oído",
        "Set up for people who are deaf or hard of hearing.",
    ),
    # Other facts about the meeting.
    (
        "TC",
        OTHER,
        "Location Temporarily Closed",
        "Ubicación temporalmente cerrada",
        "The venue is closed for now; check the online option.",
    ),
    ("SM", OTHER, "Smoking Permitted", "Se permite fumar", "Smoking is allowed."),
    ("DB", OTHER, "Digital Basket", "Canasta digital", "Donations can be made online."),
    (
        "POA",
        OTHER,
        "Proof of Attendance",
        "Prueba de Asistencia",
        "The group can confirm you attended, for a court or program.",
    ),
]

# Our own codes: formats the five programs use that Meeting Guide has no code for.
_OURS = [
    ("BT", FORMAT, "Basic Text", "Texto Básico", "Study of NA's Basic Text."),
    ("JFT", FORMAT, "Just for Today", "Sólo por Hoy", "Readings from NA's Just for Today."),
    (
        "QA",
        FORMAT,
        "Questions and Answers",
        "Preguntas y respuestas",
        "Members ask questions and others answer from experience.",
    ),
    ("TOP", FORMAT, "Topic", "Tema", "The group talks about a chosen topic."),
    (
        "TOOLS",
        FORMAT,
        "SMART Tools",
        "Herramientas SMART",
        "Practice with SMART Recovery's tools for changing thoughts and habits.",
    ),
    (
        "WB",
        FORMAT,
        "Workbook",
        "Cuaderno de trabajo",
        "The group works through a recovery workbook together.",
    ),
    (
        "FAM",
        AUDIENCE,
        "Family and Friends",
        "Familia y amigos",
        "For people who care about someone with an addiction.",
    ),
]

# The descriptions in Spanish, written for this directory (the spec names the codes only).
_DESCRIPTIONS_ES = {
    "O": "Puede venir cualquier persona, también familiares, amistades o quien sienta curiosidad.",
    "C": "Para personas que tienen un problema con las drogas o el alcohol, o creen que podrían "
    "tenerlo.",
    "D": "Las personas se turnan para compartir sobre un tema.",
    "SP": "Uno o más miembros cuentan su historia.",
    "ST": "El grupo lee y conversa sobre los pasos.",
    "TR": "El grupo lee y conversa sobre las tradiciones que guían cómo funcionan los grupos.",
    "LIT": "El grupo lee libros del programa y conversa sobre ellos.",
    "MED": "Incluye un rato de meditación en silencio.",
    "11": "Meditación sobre el undécimo paso.",
    "12x12": "Estudio del libro de los pasos y las tradiciones.",
    "B": "Estudio del Libro Grande.",
    "ABSI": "Lecturas de «Como lo ve Bill».",
    "DR": "Lecturas de «Reflexiones diarias».",
    "GR": "Lecturas de la revista Grapevine.",
    "LS": "Lecturas de «Viviendo sobrio».",
    "CAN": "Se hace a la luz de las velas.",
    "BRK": "El desayuno forma parte de la reunión.",
    "H": "Los miembros celebran sus aniversarios de vida limpia o sobria.",
    "XT": "Los miembros pueden responder directamente a lo que comparten los demás.",
    "OUT": "Se hace al aire libre.",
    "BE": "Para quienes llegan por primera vez: pensada para personas nuevas.",
    "W": "Para mujeres.",
    "M": "Para hombres.",
    "LGBTQ": "Para personas lesbianas, gais, bisexuales, trans y queer.",
    "G": "Para personas gais.",
    "L": "Para lesbianas.",
    "BI": "Para personas bisexuales.",
    "T": "Para personas trans.",
    "NB": "Para personas no binarias.",
    "Y": "Para gente joven.",
    "SEN": "Para personas mayores.",
    "P": "Para profesionales.",
    "POC": "Para personas racializadas.",
    "N": "Para personas nativas americanas.",
    "NDG": "Para personas indígenas.",
    "DD": "Para personas que viven a la vez con una adicción y un problema de salud mental.",
    "A": "Sin oraciones y sin hablar de un poder superior.",
    "AL": "Al mismo tiempo hay una reunión de Alateen.",
    "AL-AN": "Al mismo tiempo hay una reunión de Al-Anon.",
    "X": "Se puede llegar a la sala en silla de ruedas.",
    "XB": "Hay un baño que se puede usar en silla de ruedas.",
    "ASL": "Con interpretación en lengua de señas americana.",
    "FF": "Por favor, no uses perfume ni productos con aroma.",
    "BA": "Alguien cuida de los niños durante la reunión.",
    "CF": "Los niños son bienvenidos.",
    "BV-I": "Preparada para personas ciegas o con baja visión.",
    "D-HOH": "Preparada para personas sordas o con dificultades de audición.",
    "TC": "El lugar está cerrado por ahora; mira si hay opción en línea.",
    "SM": "Se permite fumar.",
    "DB": "Se pueden hacer donativos en línea.",
    "POA": "El grupo puede confirmar que asististe, para un juzgado o un programa.",
    "BT": "Estudio del Texto Básico de NA.",
    "JFT": "Lecturas de «Sólo por hoy», de NA.",
    "QA": "Los miembros hacen preguntas y otros responden desde su experiencia.",
    "TOP": "El grupo conversa sobre un tema elegido.",
    "TOOLS": "Práctica con las herramientas de SMART Recovery para cambiar pensamientos y hábitos.",
    "WB": "El grupo trabaja junto un cuaderno de recuperación.",
    "FAM": "Para personas que quieren a alguien con una adicción.",
}

FORMATS = [FormatTerm(*row, description_es=_DESCRIPTIONS_ES[row[0]]) for row in _TERMS]
FORMATS += [FormatTerm(*row, ours=True, description_es=_DESCRIPTIONS_ES[row[0]]) for row in _OURS]
FORMATS += [
    FormatTerm(
        mg_code,
        LANGUAGE,
        name,
        name_es,
        f"Held in {name}.",
        description_es=f"La reunión es en {name_es.lower()}.",
    )
    for name, mg_code, name_es in LANGUAGES.values()
]
FORMATS_BY_CODE = {term.code: term for term in FORMATS}
# The Meeting Guide feed names our own codes in a meeting's notes, after this, since the spec's
# readers know only its codes: "Formats: Basic Text, Just for Today." Our import reads it back.
OWN_FORMATS_NOTE = "Formats: "
# The Meeting Guide code for a secular meeting. Every meeting of a secular program is one, so feeds
# add it from the program and imports do not keep it as a format of their own.
SECULAR_TYPE = "A"

# Codes that describe a room or what happens in one: they mean nothing for a meeting held only
# online. TSML UI's in_person_types (src/hooks/settings.tsx), which it drops from such meetings.
IN_PERSON_ONLY_CODES = frozenset(
    ["BA", "BRK", "CAN", "CF", "AL-AN", "AL", "FF", "OUT", "SM", "X", "XB"]
)

# The video services TSML UI knows a join link by (src/hooks/settings.tsx, conference_providers;
# a link's host must end with one). With a link elsewhere and no phone of 10 or more dialling
# characters, it shows an online meeting as inactive, without its link.
CONFERENCE_SERVICES = (
    "bluejeans.com", "discord.gg", "freeconference.com", "freeconferencecall.com", "goto.com",
    "gotomeet.me", "gotomeeting.com", "horizon.meta.com", "maps.secondlife.com",
    "meet.google.com", "meet.jit.si", "meetings.dialpad.com", "signal.group", "skype.com",
    "slurl.com", "teams.live.com", "teams.microsoft.com", "vrchat.com", "webex.com", "zoho.com",
    "zoom.us",
)  # fmt: skip
SHORTEST_DIAL_IN = 10

CATEGORY_LABELS = {
    ACCESS: _("Who can attend"),
    FORMAT: _("How it runs"),
    AUDIENCE: _("Who it is for"),
    ACCESSIBILITY: pgettext_lazy("format category", "Access"),
    LANGUAGE: _("Language"),
    OTHER: pgettext_lazy("format category", "Other"),
}


class Philosophy(models.TextChoices):
    TWELVE_STEP = "twelve-step", _("Twelve-step")
    SECULAR = "secular", _("Secular")


# Days as the Meeting Guide feed numbers them, 0 = Sunday; in English for slugs and exports.
DAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]


class Weekday(models.IntegerChoices):
    # The context keeps these apart from Django's own day names, which it uses inside dates
    # ("martes 19:00" in Spanish): a label stands alone ("Martes").
    SUNDAY = 0, pgettext_lazy("day, as a label", "Sunday")
    MONDAY = 1, pgettext_lazy("day, as a label", "Monday")
    TUESDAY = 2, pgettext_lazy("day, as a label", "Tuesday")
    WEDNESDAY = 3, pgettext_lazy("day, as a label", "Wednesday")
    THURSDAY = 4, pgettext_lazy("day, as a label", "Thursday")
    FRIDAY = 5, pgettext_lazy("day, as a label", "Friday")
    SATURDAY = 6, pgettext_lazy("day, as a label", "Saturday")


class Attendance(models.TextChoices):
    IN_PERSON = "in-person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("In person and online")


# The ways of attending that let a person join from anywhere.
JOINABLE_ONLINE = (Attendance.ONLINE, Attendance.HYBRID)


# The Meeting Guide feed's attendance_option for ours (TSML's addition to the spec).
ATTENDANCE_OPTIONS = {
    Attendance.IN_PERSON: "in_person",
    Attendance.ONLINE: "online",
    Attendance.HYBRID: "hybrid",
}
