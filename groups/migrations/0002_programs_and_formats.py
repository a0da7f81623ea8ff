"""Create the five programs and load the format vocabulary."""

from django.db import migrations

PROGRAMS = {'na': {'name': 'Narcotics Anonymous',
        'short_name': 'NA',
        'philosophy': 'twelve-step',
        'website': 'https://na.org/',
        'approach': 'NA is a fellowship of people helping each other stay clean. Members work '
                    'through the Twelve Steps, often with help from a more experienced member '
                    'called a sponsor. The steps talk about a higher power, but each person '
                    'decides what that means to them. The only thing you need to join is a '
                    'wish to stop using.',
        'first_meeting': 'You can come as you are. You do not have to speak or share '
                         'anything. Many meetings open with short readings, and then members '
                         'take turns talking about their own experience. Open meetings '
                         'welcome anyone, while closed meetings are for people who want to '
                         'stop using. There is usually no fee, though a basket may be passed '
                         'for anyone who wants to give.',
        'good_fit': 'NA often suits people who want a large, long-standing fellowship and are '
                    'open to a step-based path with a spiritual side.'},
 'dra': {'name': 'Dual Recovery Anonymous',
         'short_name': 'DRA',
         'philosophy': 'twelve-step',
         'website': 'https://draonline.org/',
         'approach': 'DRA is for people who live with both substance use and a mental or '
                     'emotional health condition. It uses a version of the Twelve Steps that '
                     'looks at both parts of recovery together. Members support each other in '
                     'caring for their whole health, including any treatment they choose.',
         'first_meeting': 'You are welcome just as you are. You do not have to talk if you '
                          'would rather listen. Meetings usually follow a set format with '
                          'readings and a time for members to share. People often speak '
                          'openly about both their mental health and their substance use. '
                          'Meetings tend to be small and relaxed, and there is usually no '
                          'fee.',
         'good_fit': 'DRA often suits people who want a space where they can talk about '
                     'mental health and substance use side by side.'},
 'sos': {'name': 'Secular Organizations for Sobriety',
         'short_name': 'SOS',
         'philosophy': 'secular',
         'website': 'https://www.sossobriety.org/',
         'approach': 'SOS offers a path to sobriety without religion or a higher power. It '
                     'asks members to make staying sober their top priority, every day. Each '
                     'person is seen as responsible for their own recovery, with the group '
                     'there to help. People of any belief, or none, are welcome.',
         'first_meeting': 'You can come as you are, and you do not have to speak. Each group '
                          'runs itself, so the format can differ from place to place. Many '
                          'meetings are open discussions where members share what is helping '
                          'them stay sober. There is no set of steps you are asked to follow. '
                          'Meetings are usually free.',
         'good_fit': 'SOS often suits people who want peer support that relies on their own '
                     'choices rather than on spiritual ideas.'},
 'smart': {'name': 'SMART Recovery',
           'short_name': 'SMART Recovery',
           'philosophy': 'secular',
           'website': 'https://smartrecovery.org/',
           'approach': 'SMART stands for Self-Management and Recovery Training. It teaches '
                       'practical tools drawn from psychology to help you manage urges, '
                       'thoughts and feelings. Its four main points are building motivation, '
                       'coping with urges, handling thoughts and feelings, and living a '
                       'balanced life. You set your own goals and move at your own pace.',
           'first_meeting': 'You are welcome as you are, and you can just listen. Meetings '
                            'are led by a trained volunteer called a facilitator. Many start '
                            'with a check-in where people say briefly how their week went. '
                            'The group then talks through a real problem and tries out a tool '
                            'together. Most meetings are free and open to anyone who wants to '
                            'attend.',
           'good_fit': 'SMART Recovery often suits people who like a practical, skills-based '
                       'approach and want to feel in charge of their own plan.'},
 'lifering': {'name': 'LifeRing Secular Recovery',
              'short_name': 'LifeRing',
              'philosophy': 'secular',
              'website': 'https://lifering.org/',
              'approach': 'LifeRing is built on three ideas: sobriety, secularity and '
                          'self-help. Members aim for full abstinence from alcohol and other '
                          'drugs. The group believes each person has a sober self, and '
                          'meetings try to make that part stronger. You build your own '
                          'recovery plan in your own way.',
              'first_meeting': 'You can come as you are, and you do not need to share. A '
                               'volunteer called a convenor usually keeps the meeting on '
                               'track. Many meetings begin with each person talking about how '
                               'their past week went. The focus is on the here and now, not '
                               'on old stories. The tone is usually hopeful, and meetings are '
                               'usually free.',
              'good_fit': 'LifeRing often suits people who want a non-religious group that '
                          'focuses on the present and lets them shape their own plan.'}}


def load_programs(apps, schema_editor):
    SupportGroup = apps.get_model("groups", "SupportGroup")
    for slug, fields in PROGRAMS.items():
        SupportGroup.objects.update_or_create(slug=slug, defaults=fields)


def load_formats(apps, schema_editor):
    # The vocabulary lives in code so forms can list it without a query; this copies it in.
    from groups.vocabulary import FORMATS

    Format = apps.get_model("groups", "Format")
    for term in FORMATS:
        Format.objects.update_or_create(
            code=term.code,
            defaults={
                "name": term.name,
                "name_es": term.name_es,
                "description": term.description,
                "category": term.category,
                "is_meeting_guide": not term.ours,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("groups", "0001_initial")]

    operations = [
        migrations.RunPython(load_programs, migrations.RunPython.noop),
        migrations.RunPython(load_formats, migrations.RunPython.noop),
    ]
