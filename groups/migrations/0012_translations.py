"""Program texts and format names and descriptions in every language (django-modeltranslation).

Each translated field gets a column per language; the English ones start from the texts already
here, and the Spanish ones from the texts below (program names only where the program has a
Spanish name of its own) and from groups.vocabulary (format names from the Meeting Guide spec).
"""

import groups.models.fields
from django.db import migrations

PROGRAMS_ES = {
    "na": {
        "name": "Narcóticos Anónimos",
        "approach": "NA es una comunidad de personas que se ayudan entre sí a mantenerse "
        "limpias. Los miembros trabajan los Doce Pasos, a menudo con la ayuda de un miembro con "
        "más experiencia, al que llaman padrino o madrina. Los pasos hablan de un poder superior, "
        "pero cada persona decide qué significa eso para ella. Para unirte solo necesitas el "
        "deseo de dejar de consumir.",
        "first_meeting": "Puedes venir tal como eres. No tienes que hablar ni contar nada. "
        "Muchas reuniones empiezan con lecturas breves, y luego los miembros se turnan para "
        "hablar de su propia experiencia. Las reuniones abiertas reciben a cualquier persona; las "
        "cerradas son para quienes quieren dejar de consumir. Normalmente no se paga nada, "
        "aunque puede pasar una canasta para quien quiera aportar.",
        "good_fit": "NA suele ir bien a quienes buscan una comunidad grande y con mucha "
        "trayectoria, y están abiertos a un camino por pasos con un lado espiritual.",
    },
    "dra": {
        "approach": "DRA (en inglés, «recuperación dual anónima») es para personas que viven a "
        "la vez con el consumo de sustancias y con un problema de salud mental o emocional. Usa "
        "una versión de los Doce Pasos que atiende juntas las dos partes de la recuperación. Los "
        "miembros se apoyan para cuidar de toda su salud, también del tratamiento que cada "
        "persona elija.",
        "first_meeting": "Te reciben tal como eres. Si prefieres escuchar, no tienes que "
        "hablar. Las reuniones suelen seguir un formato fijo, con lecturas y un tiempo para que "
        "los miembros compartan. Es habitual hablar con franqueza tanto de la salud mental como "
        "del consumo. Las reuniones suelen ser pequeñas y tranquilas, y normalmente no se paga "
        "nada.",
        "good_fit": "DRA suele ir bien a quienes buscan un espacio donde hablar de salud mental "
        "y de consumo a la vez.",
    },
    "sos": {
        "approach": "SOS (en inglés, «organizaciones seculares por la sobriedad») ofrece un "
        "camino hacia la sobriedad sin religión ni poder superior. Pide a sus miembros que hagan "
        "de mantenerse sobrios su primera prioridad, cada día. Cada persona es responsable de su "
        "propia recuperación, y el grupo está ahí para ayudar. Son bienvenidas las personas de "
        "cualquier creencia, o de ninguna.",
        "first_meeting": "Puedes venir tal como eres, y no tienes que hablar. Cada grupo se "
        "organiza a sí mismo, así que el formato cambia de un lugar a otro. Muchas reuniones son "
        "conversaciones abiertas en las que los miembros cuentan qué les ayuda a mantenerse "
        "sobrios. No hay pasos que debas seguir. Las reuniones suelen ser gratuitas.",
        "good_fit": "SOS suele ir bien a quienes buscan apoyo entre iguales basado en sus "
        "propias decisiones y no en ideas espirituales.",
    },
    "smart": {
        "approach": "SMART son las siglas en inglés de «entrenamiento en autogestión y "
        "recuperación». Enseña herramientas prácticas, tomadas de la psicología, para manejar "
        "las ganas de consumir, los pensamientos y las emociones. Sus cuatro puntos principales "
        "son encontrar motivación, hacer frente a las ganas de consumir, manejar pensamientos y "
        "emociones, y llevar una vida equilibrada. Tú pones tus propias metas y avanzas a tu "
        "ritmo.",
        "first_meeting": "Te reciben tal como eres, y puedes limitarte a escuchar. Guía las "
        "reuniones una persona voluntaria con formación, a la que llaman facilitador. Muchas "
        "empiezan con una ronda en la que cada cual cuenta brevemente cómo le fue la semana. "
        "Después el grupo habla de un problema real y prueba una herramienta entre todos. La "
        "mayoría de las reuniones son gratuitas y abiertas a cualquiera que quiera asistir.",
        "good_fit": "SMART Recovery suele ir bien a quienes prefieren un enfoque práctico, "
        "basado en habilidades, y quieren llevar las riendas de su propio plan.",
    },
    "lifering": {
        "approach": "LifeRing se basa en tres ideas: sobriedad, laicidad y autoayuda. Sus "
        "miembros buscan dejar del todo el alcohol y las demás drogas. El grupo cree que cada "
        "persona tiene un «yo sobrio», y las reuniones intentan fortalecer esa parte. Tú armas "
        "tu propio plan de recuperación, a tu manera.",
        "first_meeting": "Puedes venir tal como eres, y no hace falta que compartas. Suele haber "
        "una persona voluntaria, a la que llaman convocante, que ayuda a que la reunión no se "
        "desvíe. Muchas reuniones empiezan con cada persona contando cómo le fue la semana. Se "
        "habla del aquí y el ahora, no de historias pasadas. El tono suele ser esperanzador, y "
        "las reuniones suelen ser gratuitas.",
        "good_fit": "LifeRing suele ir bien a quienes buscan un grupo no religioso, centrado en "
        "el presente, que les deje dar forma a su propio plan.",
    },
}


def fill_translations(apps, schema_editor):
    from groups.vocabulary import FORMATS_BY_CODE

    Program = apps.get_model("groups", "Program")
    for program in Program.objects.all():
        for field in ("name", "approach", "first_meeting", "good_fit"):
            setattr(program, f"{field}_en", getattr(program, field))
        for field, text in PROGRAMS_ES.get(program.slug, {}).items():
            setattr(program, f"{field}_es", text)
        program.save()
    Format = apps.get_model("groups", "Format")
    for format_ in Format.objects.all():
        format_.name_en, format_.description_en = format_.name, format_.description
        term = FORMATS_BY_CODE.get(format_.code)
        if term is not None:
            format_.name_es = format_.name_es or term.name_es
            format_.description_es = term.description_es
        format_.save()


class Migration(migrations.Migration):

    dependencies = [
        ('groups', '0011_feed_and_sample_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='format',
            name='description_en',
            field=groups.models.fields.LineField(help_text='What this means, in plain words.', max_length=200, null=True),
        ),
        migrations.AddField(
            model_name='format',
            name='description_es',
            field=groups.models.fields.LineField(help_text='What this means, in plain words.', max_length=200, null=True),
        ),
        migrations.AddField(
            model_name='format',
            name='name_en',
            field=groups.models.fields.LineField(max_length=60, null=True),
        ),
        migrations.AddField(
            model_name='program',
            name='approach_en',
            field=groups.models.fields.NotesField(help_text="The program's approach, in plain words.", null=True),
        ),
        migrations.AddField(
            model_name='program',
            name='approach_es',
            field=groups.models.fields.NotesField(help_text="The program's approach, in plain words.", null=True),
        ),
        migrations.AddField(
            model_name='program',
            name='first_meeting_en',
            field=groups.models.fields.NotesField(blank=True, help_text='What a first meeting is usually like.', null=True),
        ),
        migrations.AddField(
            model_name='program',
            name='first_meeting_es',
            field=groups.models.fields.NotesField(blank=True, help_text='What a first meeting is usually like.', null=True),
        ),
        migrations.AddField(
            model_name='program',
            name='good_fit_en',
            field=groups.models.fields.NotesField(blank=True, help_text='Who tends to find this program a good fit.', null=True),
        ),
        migrations.AddField(
            model_name='program',
            name='good_fit_es',
            field=groups.models.fields.NotesField(blank=True, help_text='Who tends to find this program a good fit.', null=True),
        ),
        migrations.AddField(
            model_name='program',
            name='name_en',
            field=groups.models.fields.LineField(max_length=100, null=True, unique=True),
        ),
        migrations.AddField(
            model_name='program',
            name='name_es',
            field=groups.models.fields.LineField(max_length=100, null=True, unique=True),
        ),
        migrations.AlterField(
            model_name='format',
            name='name_es',
            field=groups.models.fields.LineField(max_length=60, null=True),
        ),
        migrations.RunPython(fill_translations, migrations.RunPython.noop),
    ]
