import { expect } from 'chai';
import { SafetyScreen, type SafetyKind } from '../../src/nlu/safety';

/**
 * Tigrinya and Somali (branch safeE4, issue #9): emergencies said in verbs, verb forms and words the
 * screen did not know (whipping, pounding, "threatened us", a whole packet of pills, a child drinking
 * toilet cleaner, being a burden, goodbye for ever, not wanting to wake again) give the 112 reply at
 * once; ordinary look-alikes (the gas bill, a washing line, cigarette smoke, kicking a ball, not wanting
 * to get up early on a Sunday) get neither the reply nor the question. Written for this test, not taken
 * from any dev, tuning, probe or held-out set.
 */
describe('safety screen (safeE4): ti and so in new words, and their look-alikes', () => {
  const screen = SafetyScreen.load();

  const atOnce: [string, string, SafetyKind[]][] = [
    ['ti', 'ኣቦይ ንሓወይ ብቐበቶ ገሪፉዎ', ['violence']],
    ['ti', 'ጎረቤትና ንደቁ ይቕጥቅጦም ኣሎ', ['violence']],
    ['ti', 'ሰብኣየይ ብሽጉጥ ኣፈራሪሁና', ['threat', 'violence']],
    ['ti', 'ንዓኹም ጾር ጥራይ እየ ደጊም', ['self_harm']],
    ['ti', 'ንሓዋሩ ሰላም ኩኑ ኣይክትርእዩንን ኢኹም', ['self_harm']],
    ['ti', 'ዝነብረሉ ዕላማ የብለይን', ['self_harm']],
    ['ti', 'ወደይ ሙሉእ ካርቶን ኢቡፕሮፌን በሊዑ', ['overdose']],
    ['ti', 'ጓለይ ሳሙና ሽቓቕ ሰትያ', ['overdose']],
    ['ti', 'ሰበይተይ ዓንያ ኣይትምልስን', ['medical']],
    ['so', 'walaashay ninkeeda ayaa wejiga ka garaacaya', ['violence']],
    ['so', 'deriska ayaa naagtiisa tumaya habeen walba', ['violence']],
    ['so', 'wuxuu ii soo diray inuu ina dili doono', ['threat', 'violence']],
    ['so', 'culays baan ku ahay qof walba', ['self_harm']],
    ['so', 'macsalaama weligiin, ha i raadinina', ['self_harm']],
    ['so', 'ilmaha wuxuu liqay nadiifiyaha musqusha', ['overdose']],
    ['so', 'xaaskaygu baakad paracetamol ah oo dhan ayay liqday', ['overdose']],
    ['so', 'ma doonayo inaan mar dambe soo tooso', ['self_harm']],
  ];
  for (const [lng, text, kinds] of atOnce) {
    it(`${lng}: "${text}" gets the reply at once (${kinds.join(' or ')})`, () => {
      const a = screen.assess(text, [lng]);
      expect(a.alarm, JSON.stringify(a)).to.not.equal(undefined);
      expect(kinds).to.include(a.alarm!.kind);
    });
  }

  const ordinary: [string, string][] = [
    ['ti', 'ናይ ጋዝ ሕሳብ ኣበይ ይኸፈል'],
    ['ti', 'ሓዊ ዘጥፍእ ኣብ መኪና የድሊ ድዩ'],
    ['ti', 'ኣብ ዴንማርክ ንዘልኣለም ክንነብር ንደሊ'],
    ['ti', 'ትኪ ሽጋራ ኣብ ገዛ'],
    ['so', 'biilka gaaska ma bixin karaa online'],
    ['so', 'kubbadda ayuu laadayaa garoonka'],
    ['so', 'xarig dhar lagu qalajiyo xagee laga iibsadaa'],
    ['so', 'qiiqa sigaarka ma jecli'],
  ];
  for (const [lng, text] of ordinary) {
    it(`${lng}: "${text}" is ordinary: no alarm, no question`, () => {
      expect(screen.assess(text, [lng])).to.deep.equal({});
    });
  }

  const noAlarm: [string, string][] = [
    ['ti', 'ጽባሕ ቀልጢፈ ክነቅሕ ኣይደልን ሰንበት እዩ'],
    ['ti', 'ወደይ ኣብ ጸወታ ኩዕሶ ረጊጹ ወዲቑ ግን ደሓን እዩ'],
    ['so', 'berri goor hore ma rabo inaan tooso'],
    ['so', 'fariintaydii ugu dambeysay jawaab uma helin'],
    ['so', 'shaqada culays ayay igu tahay'],
  ];
  for (const [lng, text] of noAlarm) {
    it(`${lng}: "${text}" raises no alarm`, () => {
      expect(screen.assess(text, [lng]).alarm).to.equal(undefined);
    });
  }
});
