"""One name for a program (SupportGroup becomes Program; the meeting's and suggestion's field
``group`` becomes ``program``), and text fields that refuse control characters."""

import django.db.models.deletion
import groups.models.fields
import groups.rules
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('groups', '0006_meeting_duration_range'),
    ]

    operations = [
        migrations.RenameModel("SupportGroup", "Program"),
        migrations.RenameField("meeting", "group", "program"),
        migrations.RenameField("changerequest", "group", "program"),
        migrations.AlterModelOptions(
            name='program',
            options={'ordering': ['name']},
        ),
        migrations.AlterField(
            model_name='changerequest',
            name='message',
            field=groups.models.fields.NotesField(blank=True, help_text="What is wrong, in the submitter's words.", verbose_name="submitter's message"),
        ),
        migrations.AlterField(
            model_name='changerequest',
            name='note',
            field=groups.models.fields.NotesField(blank=True, help_text='Seen only by editors.', verbose_name="reviewer's note"),
        ),
        migrations.AlterField(
            model_name='changerequest',
            name='program',
            field=models.ForeignKey(help_text='Whose editors review this.', on_delete=django.db.models.deletion.CASCADE, related_name='change_requests', to='groups.program'),
        ),
        migrations.AlterField(
            model_name='changerequest',
            name='submitter_email',
            field=models.EmailField(blank=True, max_length=254, validators=[groups.rules.validate_single_line]),
        ),
        migrations.AlterField(
            model_name='changerequest',
            name='submitter_name',
            field=groups.models.fields.LineField(blank=True, max_length=100),
        ),
        migrations.AlterField(
            model_name='format',
            name='code',
            field=groups.models.fields.LineField(max_length=12, unique=True),
        ),
        migrations.AlterField(
            model_name='format',
            name='description',
            field=groups.models.fields.LineField(help_text='What this means, in plain words.', max_length=200),
        ),
        migrations.AlterField(
            model_name='format',
            name='name',
            field=groups.models.fields.LineField(max_length=60),
        ),
        migrations.AlterField(
            model_name='format',
            name='name_es',
            field=groups.models.fields.LineField(blank=True, max_length=60, verbose_name='Spanish name'),
        ),
        migrations.AlterField(
            model_name='location',
            name='address',
            field=groups.models.fields.LineField(blank=True, max_length=200, verbose_name='street address'),
        ),
        migrations.AlterField(
            model_name='location',
            name='city',
            field=groups.models.fields.LineField(max_length=100),
        ),
        migrations.AlterField(
            model_name='location',
            name='country',
            field=groups.models.fields.LineField(default='US', help_text='Two-letter country code.', max_length=2),
        ),
        migrations.AlterField(
            model_name='location',
            name='directions',
            field=groups.models.fields.NotesField(blank=True, help_text='Entrance, floor, room number, parking.', verbose_name='finding the room'),
        ),
        migrations.AlterField(
            model_name='location',
            name='name',
            field=groups.models.fields.LineField(help_text="For example: St. Mark's Church.", max_length=200, verbose_name='venue'),
        ),
        migrations.AlterField(
            model_name='location',
            name='postal_code',
            field=groups.models.fields.LineField(blank=True, max_length=20),
        ),
        migrations.AlterField(
            model_name='location',
            name='region',
            field=groups.models.fields.LineField(blank=True, help_text='State or province code: OR, ON.', max_length=100, verbose_name='region or state'),
        ),
        migrations.AlterField(
            model_name='meeting',
            name='conference_phone',
            field=groups.models.fields.LineField(blank=True, max_length=60, verbose_name='dial-in phone'),
        ),
        migrations.AlterField(
            model_name='meeting',
            name='conference_phone_notes',
            field=groups.models.fields.LineField(blank=True, max_length=300, verbose_name='dial-in notes'),
        ),
        migrations.AlterField(
            model_name='meeting',
            name='conference_url',
            field=models.URLField(blank=True, help_text='Zoom, Meet or other video link.', max_length=500, validators=[groups.rules.validate_single_line], verbose_name='join link'),
        ),
        migrations.AlterField(
            model_name='meeting',
            name='conference_url_notes',
            field=groups.models.fields.LineField(blank=True, help_text='Meeting ID, passcode.', max_length=300, verbose_name='join link notes'),
        ),
        migrations.AlterField(
            model_name='meeting',
            name='external_id',
            field=groups.models.fields.LineField(blank=True, help_text="The meeting's id in its source.", max_length=200),
        ),
        migrations.AlterField(
            model_name='meeting',
            name='name',
            field=groups.models.fields.LineField(max_length=200),
        ),
        migrations.AlterField(
            model_name='meeting',
            name='notes',
            field=groups.models.fields.NotesField(blank=True),
        ),
        migrations.AlterField(
            model_name='meeting',
            name='program',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='meetings', to='groups.program'),
        ),
        migrations.AlterField(
            model_name='meeting',
            name='source',
            field=groups.models.fields.LineField(blank=True, help_text='Where an imported meeting came from.', max_length=200),
        ),
        migrations.AlterField(
            model_name='meetingcontact',
            name='email',
            field=models.EmailField(blank=True, max_length=254, validators=[groups.rules.validate_single_line]),
        ),
        migrations.AlterField(
            model_name='meetingcontact',
            name='name',
            field=groups.models.fields.LineField(help_text='First name or role is enough: “Secretary”.', max_length=100),
        ),
        migrations.AlterField(
            model_name='meetingcontact',
            name='phone',
            field=groups.models.fields.LineField(blank=True, max_length=40),
        ),
        migrations.AlterField(
            model_name='program',
            name='approach',
            field=groups.models.fields.NotesField(help_text="The program's approach, in plain words."),
        ),
        migrations.AlterField(
            model_name='program',
            name='first_meeting',
            field=groups.models.fields.NotesField(blank=True, help_text='What a first meeting is usually like.'),
        ),
        migrations.AlterField(
            model_name='program',
            name='good_fit',
            field=groups.models.fields.NotesField(blank=True, help_text='Who tends to find this program a good fit.'),
        ),
        migrations.AlterField(
            model_name='program',
            name='name',
            field=groups.models.fields.LineField(max_length=100, unique=True),
        ),
        migrations.AlterField(
            model_name='program',
            name='short_name',
            field=groups.models.fields.LineField(max_length=30),
        ),
        migrations.AlterField(
            model_name='program',
            name='website',
            field=models.URLField(blank=True, validators=[groups.rules.validate_single_line]),
        ),
    ]
