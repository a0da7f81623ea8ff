"""Named groups: the home group that holds meetings (Meeting.group, a new field).

Migration 0007 renamed the meeting's old ``group`` field to ``program``; on PostgreSQL its index
kept the old name, which the new ``group`` field's index would take, so it is renamed first.
"""

import django.db.models.deletion
import groups.models.fields
import groups.rules
from django.db import migrations, models


def rename_stale_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite rebuilt the table, and its indexes, when the field was renamed.
    old = schema_editor._create_index_name("groups_meeting", ["group_id"])
    new = schema_editor._create_index_name("groups_meeting", ["program_id"])
    schema_editor.execute(
        f"ALTER INDEX IF EXISTS {schema_editor.quote_name(old)} "
        f"RENAME TO {schema_editor.quote_name(new)}"
    )


class Migration(migrations.Migration):

    dependencies = [
        ('groups', '0007_program_and_text_rules'),
    ]

    operations = [
        migrations.RunPython(rename_stale_index, migrations.RunPython.noop),
        migrations.CreateModel(
            name='Group',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', groups.models.fields.LineField(help_text='As the group calls itself: “Clean Start Group”.', max_length=200)),
                ('slug', models.SlugField(help_text="Its page's web address.", max_length=220, unique=True)),
                ('notes', groups.models.fields.NotesField(blank=True, help_text="Shown on the group's page and its meetings' pages.")),
                ('website', models.URLField(blank=True, validators=[groups.rules.validate_single_line])),
                ('email', models.EmailField(blank=True, max_length=254, validators=[groups.rules.validate_single_line])),
                ('phone', groups.models.fields.LineField(blank=True, max_length=40)),
                ('contact_is_public', models.BooleanField(default=False, help_text="Leave unticked to keep them for editors only. Tick only with the group's agreement.", verbose_name='show website, e-mail and phone')),
                ('is_sample', models.BooleanField(default=False, help_text='Invented for demonstration; not a real group.', verbose_name='sample data')),
                ('updated', models.DateTimeField(auto_now=True)),
                ('program', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='groups', to='groups.program')),
            ],
            options={
                'ordering': ['name', 'pk'],
            },
        ),
        migrations.AddField(
            model_name='meeting',
            name='group',
            field=models.ForeignKey(blank=True, help_text='The named home group that holds this meeting, if it has one.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='meetings', to='groups.group'),
        ),
        migrations.AddConstraint(
            model_name='group',
            constraint=models.UniqueConstraint(fields=('program', 'name'), name='group_unique_name'),
        ),
        migrations.AddConstraint(
            model_name='group',
            constraint=models.CheckConstraint(condition=models.Q(('name', ''), _negated=True), name='group_has_name'),
        ),
    ]
