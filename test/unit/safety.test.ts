import { expect } from 'chai';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NLU_LANGUAGES } from '../../src/nlu/languages';
import { loadPhraseBank, allPhrases } from '../../src/nlu/phrases';
import { SAFETY_CATEGORIES, SAFETY_KINDS, SafetyScreen } from '../../src/nlu/safety';
import { loadDevSet } from '../../src/nlu/evaluation';
import { loadSafetySet } from '../../src/nlu/safetyEvaluation';

const ROOT = join(__dirname, '..', '..');

/** Per language: messages that must raise an alarm (with the category), and ordinary ones that must not. */
const CASES: Record<string, { alarms: [string, string][]; calm: string[] }> = {
  da: {
    alarms: [['min mand slår mig hver dag', 'emergency.violence'], ['jeg vil tage mit liv', 'emergency.self_harm'], ['min søn kan ikke trække vejret', 'emergency.medical'], ['der er brand i opgangen', 'emergency.danger'], ['hun er bevidstlos', 'emergency.medical']],
    calm: ['det koster fire kroner', 'vi er fire i familien', 'hvilket brand er din jakke', 'jeg er syg af at vente på svar', 'jeg er ved at dø af grin', 'jeg er lidt syg i dag', 'brandvæsen job'],
  },
  en: {
    alarms: [['my husband beats me', 'emergency.violence'], ['i want to kill myself', 'emergency.self_harm'], ['he is unconcious', 'emergency.medical'], ['there is a fire in the kitchen', 'emergency.danger'], ['he will kill me', 'emergency.violence']],
    calm: ['i got fired from my job', 'the queue is killing me', "i'm dying to see my family", 'i have a knife and fork question', 'fire kroner'],
  },
  de: {
    alarms: [['mein mann schlägt mich', 'emergency.violence'], ['ich will mich umbringen', 'emergency.self_harm'], ['mein kind atmet nicht', 'emergency.medical'], ['es brennt in der wohnung', 'emergency.danger']],
    calm: ['ich sterbe vor lachen', 'hast du ein feuerzeug', 'ich bin krank vom warten', 'mein sohn möchte feuerwehrmann werden'],
  },
  uk: {
    alarms: [['чоловік б\'є мене', 'emergency.violence'], ['я хочу покінчити з собою', 'emergency.self_harm'], ['дитина не дихає', 'emergency.medical'], ['у нас пожежа', 'emergency.danger']],
    calm: ['я вмираю від сміху', 'мені потрібна робота', 'дитина хоче грати у футбол'],
  },
  ru: {
    alarms: [['муж бьет меня', 'emergency.violence'], ['хочу покончить с собой', 'emergency.self_harm'], ['он без сознания', 'emergency.medical'], ['в доме пожар', 'emergency.danger']],
    calm: ['умираю со смеху', 'мне нужна работа', 'где школа'],
  },
  ar: {
    alarms: [['زوجي يضربني', 'emergency.violence'], ['بدي انتحر', 'emergency.self_harm'], ['ابني لا يتنفس', 'emergency.medical'], ['في حريق بالبناية', 'emergency.danger']],
    calm: ['مت من الضحك', 'خطر ببالي سؤال عن المدرسة', 'مسموح لي اشتغل', 'صباح النور'],
  },
  fa: {
    alarms: [['شوهرم مرا میزند', 'emergency.violence'], ['میخواهم خودکشی کنم', 'emergency.self_harm'], ['بچه نفس نمیکشد', 'emergency.medical'], ['خانه آتش گرفته', 'emergency.danger']],
    calm: ['از خنده مردم', 'کار میخواهم', 'مدرسه بچه ام کجاست'],
  },
  ps: {
    alarms: [['میړه مې ما وهي', 'emergency.violence'], ['غواړم ځان ووژنم', 'emergency.self_harm'], ['ماشوم ساه نه اخلي', 'emergency.medical'], ['کور اور اخیستی', 'emergency.danger']],
    calm: ['زه کار غواړم', 'بس ناوخته ده', 'له خندا مړ شوم'],
  },
  ti: {
    alarms: [['ሰብኣየይ ይወቕዓኒ', 'emergency.violence'], ['ርእሰይ ክቐትል ደልየ', 'emergency.self_harm'], ['ቆልዓ ኣይተንፍስን', 'emergency.medical'], ['ገዛ ይነድድ ኣሎ', 'emergency.danger']],
    calm: ['ስራሕ ደልየ', 'ብሰሓቕ ሞይተ', 'ቤት ትምህርቲ ኣበይ ኣሎ'],
  },
  so: {
    alarms: [['ninkaygu wuu i garaacaa', 'emergency.violence'], ['waxaan rabaa inaan is dilo', 'emergency.self_harm'], ['ilmuhu ma neefsanayo', 'emergency.medical'], ['guriga dab ayaa ka kacay', 'emergency.danger']],
    calm: ['shaqo ayaan rabaa', 'dabcan haa', 'wiilkaygu wuxuu jecel yahay dabaasha'],
  },
};

describe('safety screen', () => {
  const screen = SafetyScreen.load();

  it('has phrases in every category and a reply in all ten languages', () => {
    for (const lng of NLU_LANGUAGES) {
      for (const category of SAFETY_CATEGORIES) expect(screen.languages[lng].signals[category], `${lng} ${category}`).to.not.be.empty;
      expect(screen.reply(lng)).to.have.length(5);
    }
  });

  for (const lng of NLU_LANGUAGES) {
    describe(lng, () => {
      for (const [text, category] of CASES[lng].alarms) {
        it(`raises ${category} for ${JSON.stringify(text)}`, () => {
          const hit = screen.screen(text, [lng]);
          expect(hit?.category).to.equal(category);
        });
      }
      for (const text of CASES[lng].calm) {
        it(`stays calm for ${JSON.stringify(text)}`, () => {
          expect(screen.screen(text, [lng])).to.equal(undefined);
        });
      }
    });
  }

  it('raises no alarm on any ordinary message of the development set or the example phrases (3,300 + 4,000 messages)', function () {
    this.timeout(90_000);
    const ordinary = [...loadDevSet().map((c) => c.text), ...allPhrases(loadPhraseBank()).map((p) => p.text)];
    const alarms = ordinary.filter((t) => screen.screen(t) !== undefined);
    expect(alarms).to.deep.equal([]);
  });

  it('answers with 112 first, then the out-of-hours doctor, then the crisis line, then a person, in every language', () => {
    for (const lng of NLU_LANGUAGES) {
      const text = screen.reply(lng).join('\n');
      const i112 = text.indexOf('112');
      const doctor = text.indexOf('70 11 07 07');
      const crisis = text.indexOf('70 201 201');
      expect(i112, lng).to.be.greaterThan(-1);
      expect(doctor, lng).to.be.greaterThan(i112);
      expect(crisis, lng).to.be.greaterThan(doctor);
    }
  });

  it('takes the numbers from dialogs/municipality.yaml, never from the texts', () => {
    for (const lng of NLU_LANGUAGES) {
      const raw = readFileSync(join(ROOT, 'locales', lng, 'safety.json'), 'utf8');
      const reply = (JSON.parse(raw) as { reply: Record<string, string> }).reply;
      for (const sentence of Object.values(reply)) expect(sentence.replace(/\{\{\w+\}\}/g, ''), lng).to.not.match(/\d/);
    }
  });

  it('prefers the user\'s language when the same words raise an alarm in several', () => {
    expect(screen.screen('sos', ['de'])?.language).to.equal('de');
    expect(screen.screen('sos', ['so'])?.language).to.equal('so');
  });

  describe('the safety dev set (test/nlu-dev/safety/dev): every kind in every language', () => {
    const cases = loadSafetySet('dev');
    for (const lng of NLU_LANGUAGES) {
      for (const kind of [...SAFETY_KINDS.filter((k) => k !== 'danger'), null]) {
        const mine = cases.filter((c) => c.locale === lng && c.kind === kind);
        if (mine.length === 0) continue;
        it(`${lng} ${kind ?? 'ordinary messages and traps'}: ${mine.length} messages`, () => {
          for (const c of mine) {
            const hit = screen.screen(c.text, [lng]);
            // Violence and a threat to kill are told apart loosely; both are answered with 112 first.
            if (kind) expect(hit?.kind === kind || (['violence', 'threat'].includes(kind) && ['violence', 'threat'].includes(hit?.kind ?? '')), `${c.text} → ${hit?.kind}`).to.equal(true);
            else expect(hit, `${c.text} → ${hit?.rule}`).to.equal(undefined);
          }
        });
      }
    }
  });

  it('matches a subject and a verb in any order and with other words between them', () => {
    for (const [text, kind] of [
      ['he is hitting me', 'violence'],
      ['me he is hitting again', 'violence'],
      ['my mum is being beaten by dad', 'violence'],
      ['mig slår han', 'violence'],
      ['mich schlägt er jeden tag', 'violence'],
      ['меня он бьет', 'violence'],
      ['the kitchen, there is fire', 'fire'],
      ['gas, i can smell it everywhere', 'gas'],
      ['in our house someone is breaking in', 'threat'],
      ['bleeding a lot my wife is', 'medical'],
    ] as const) {
      expect(screen.screen(text)?.kind, text).to.equal(kind);
    }
  });

  it('catches the examples the issue names', () => {
    for (const [text, kind] of [['he is hitting me', 'violence'], ['fire!', 'fire'], ['someone is trying to break in', 'threat'], ['my wife is bleeding', 'medical'], ['ሓዊ ኣሎ', 'fire'], ["I don't want to live anymore", 'self_harm'], ['I want to disappear forever', 'self_harm'], ['better if I was not here', 'self_harm']] as const) {
      expect(screen.screen(text, ['en'])?.kind, text).to.equal(kind);
    }
  });

  it('raises no alarm on the traps: Danish "fire" = four, English "fire" = dismiss, idioms', () => {
    for (const text of ['fire børn', 'jeg har fire kroner', 'they fired me', 'can my boss fire me', "I'm on fire today", 'my uncle is an ambulance driver', 'just killing time', 'dying to know', 'my son hits the ball hard']) {
      expect(screen.assess(text, ['en', 'da']), text).to.deep.equal({});
    }
  });

  it('asks rather than misses when the classifier is unsure', () => {
    // "i can't take it" was the example here, asked about only because its apostrophe split "can't" from the danger
    // phrase "cant take it"; an apostrophe now joins its word, so it reads as "i cant take it" always has: the reply.
    expect(screen.assess("i can't take it", ['en'])).to.deep.equal(screen.assess('i cant take it', ['en']));
    const a = screen.assess('everything is too much for me', ['en']);
    expect(a.alarm).to.equal(undefined);
    expect(a.borderline?.kind).to.equal('self_harm');
    expect(screen.check('en').choices).to.deep.equal(['Yes', 'No']);
  });

  it('names the help that fits the kind, always after 112, with a person as a button', () => {
    for (const lng of NLU_LANGUAGES) {
      const violence = screen.reply(lng, 'violence').join('\n');
      expect(violence.indexOf('1888'), lng).to.be.greaterThan(violence.indexOf('112'));
      expect(violence, lng).to.not.contain('70 201 201');
      const selfHarm = screen.reply(lng, 'self_harm').join('\n');
      expect(selfHarm.indexOf('70 201 201'), lng).to.be.greaterThan(selfHarm.indexOf('112'));
      const fire = screen.reply(lng, 'fire').join('\n');
      expect(fire.search(/\d/), lng).to.equal(fire.indexOf('112'));
      expect(fire, lng).to.not.contain('70 201 201');
      expect(screen.personButton(lng), lng).to.be.a('string');
    }
  });

  it('uses one spelling of Tønder per language in its replies', () => {
    for (const lng of NLU_LANGUAGES) {
      const paths = readFileSync(join(ROOT, 'locales', lng, 'paths.json'), 'utf8');
      const reply = Object.values((JSON.parse(readFileSync(join(ROOT, 'locales', lng, 'safety.json'), 'utf8')) as { reply: Record<string, string> }).reply).join(' ');
      for (const spelling of ['Tønder', 'Тондер', 'توندر', 'ቶንደር']) if (reply.includes(spelling)) expect(paths, `${lng} ${spelling}`).to.contain(spelling);
    }
  });

  it('stops start-up clearly on a look-alike or signal of only emoji or punctuation, which would match every message', () => {
    for (const [field, value] of [['notAlarms', '🔥🔥'], ['signal', '!!!']] as const) {
      const dir = mkdtempSync(join(tmpdir(), 'locales-'));
      try {
        cpSync(join(ROOT, 'locales'), dir, { recursive: true });
        const file = join(dir, 'en', 'safety.json');
        const spec = JSON.parse(readFileSync(file, 'utf8')) as { notAlarms: string[]; signals: Record<string, string[]> };
        if (field === 'notAlarms') spec.notAlarms.push(value);
        else spec.signals['emergency.danger'].push(value);
        writeFileSync(file, JSON.stringify(spec));
        expect(() => SafetyScreen.load({ localesDir: dir }), field).to.throw(/en[\\/]safety\.json.*no letters or digits/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it('stops start-up clearly when a safety fact is there but has no confirmed value', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dialogs-'));
    try {
      cpSync(join(ROOT, 'dialogs'), dir, { recursive: true });
      const file = join(dir, 'municipality.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace('value: "112"\n    status: confirmed', 'value: null\n    status: to_be_confirmed'));
      expect(() => SafetyScreen.load({ dialogsDir: dir })).to.throw(/emergency_112/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
