import { expect } from 'chai';
import { EmbeddedRecognizer } from '../../src/nlu/embeddedRecognizer';
import { SafetyScreen, type SafetyKind } from '../../src/nlu/safety';

/**
 * safeC (da, en, de, uk, ru): emergencies in words the screen did not know before the new examples
 * and cues (a fist in the face, a stranger in the bedroom, "mich umzubringen", "никто бы не
 * заметил", a stairwell full of smoke, a pillow over the face, wild mushrooms, a rope made ready),
 * and ordinary look-alikes that raised the reply before (disappearing from social media, a bump on
 * the head "but he is fine", the fire station, a pupil hitting a classmate, not wanting to wake up early).
 */
describe('safety screen: safeC examples and cues (da, en, de, uk, ru)', () => {
  const recognizer = new EmbeddedRecognizer();
  const screen = SafetyScreen.load({ bank: recognizer.bank });

  const EMERGENCIES: [string, SafetyKind, string][] = [
    ['da', 'violence', 'min far giver min bror en knytnæve i maven'],
    ['da', 'violence', 'han tæver sin kone hver aften'],
    ['da', 'threat', 'en mand med et gevær står i opgangen'],
    ['en', 'self_harm', 'i dont see any point in life anymore'],
    ['de', 'self_harm', 'ich habe daran gedacht mich umzubringen'],
    ['de', 'threat', 'ein unbekannter ist in unserem schlafzimmer'],
    ['de', 'overdose', 'sie hat alle beruhigungsmittel geschluckt'],
    ['uk', 'self_harm', 'ніхто б не помітив моєї смерті'],
    ['ru', 'fire', 'в подъезде полно дыма'],
    ['ru', 'violence', 'дядя лупит мою сестру'],
    ['ru', 'self_harm', 'никто бы не заметил моей смерти'],
    ['en', 'self_harm', 'my friend says she will take her own life tonight'],
    ['en', 'violence', 'he put a pillow on her face and pressed'],
    ['en', 'overdose', 'the kids ate wild mushrooms in the woods and now they are throwing up'],
    ['de', 'threat', 'ein mann mit einer axt steht in unserem garten'],
    ['uk', 'self_harm', 'я не заслуговую жити на цьому світі'],
    ['uk', 'self_harm', 'мотузка вже готова на горищі'],
    ['ru', 'self_harm', 'я спланировала, как уйду'],
    ['ru', 'self_harm', 'мне надоело существовать так'],
  ];
  for (const [lng, kind, text] of EMERGENCIES) {
    it(`${lng}: "${text}" gives the ${kind} reply at once`, () => {
      expect(screen.assess(text, [lng]).alarm?.kind).to.equal(kind);
    });
  }

  const LOOK_ALIKES: [string, string][] = [
    ['da', 'min søn faldt og slog hovedet men han har det fint'],
    ['en', 'i want to disappear from instagram for a while'],
    ['en', 'my son hit his head on the door but he is fine'],
    ['de', 'mein sohn boxt im verein und schlägt hart zu'],
    ['uk', 'хочу зникнути з інстаграму'],
    ['uk', 'де найближча пожежна частина'],
    ['ru', 'хочу исчезнуть из соцсетей на месяц'],
    ['en', 'my son hit his classmate at school today'],
    ['en', 'i dont want to wake up early on saturday'],
    ['da', 'min søn slog sin klassekammerat i skolen'],
    ['da', 'jeg vil ikke vågne op tidligt på lørdag'],
    ['de', 'ich will samstags nicht früh aufwachen'],
    ['uk', 'хочу зникнути з фейсбуку'],
  ];
  for (const [lng, text] of LOOK_ALIKES) {
    it(`${lng}: "${text}" gives no emergency reply`, () => {
      expect(screen.assess(text, [lng]).alarm).to.equal(undefined);
    });
  }
});
