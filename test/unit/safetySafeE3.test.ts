import { expect } from 'chai';
import { SafetyScreen, type SafetyKind } from '../../src/nlu/safety';

/**
 * Arabic (incl. colloquial and Arabizi), Persian (incl. Finglish) and Pashto (branch safeE3, issue #9):
 * emergencies in words the screen did not know before (indirect self-harm, other violence verbs,
 * overdoses told as amounts) give the 112 reply at once, and everyday look-alikes stay quiet.
 * Written for this test, not taken from any dev, tuning, probe or held-out set.
 */
describe('safety screen (safeE3): ar, fa, ps in new words, and their look-alikes', () => {
  const screen = SafetyScreen.load();

  const atOnce: [string, string, SafetyKind[]][] = [
    ['ar', 'ما في ولا سبب يخليني عايشة لبكرا', ['self_harm']],
    ['ar', 'هاي اخر كلمة مني، سامحوني وداعا للابد', ['self_harm']],
    ['ar', 'جهزت الحبل بالغرفة', ['self_harm']],
    ['ar', 'ابوي عم يدعس على امي بالارض', ['violence']],
    ['ar', 'بنتي الصغيرة لحست من صابون الجلي', ['overdose']],
    ['ar', 'الزلمة قلي رح يولع البيت علينا', ['threat', 'fire']],
    ['fa', 'بدون من همه راحت ترن، من فقط سربار همه ام', ['self_harm']],
    ['fa', 'خداحافظ برای همیشه، دیگه منو نمیبینید', ['self_harm']],
    ['fa', 'بابام با شلنگ افتاده به جون داداشم و میزنتش', ['violence']],
    ['fa', 'یه ورق کامل ژلوفن بالا انداختم', ['overdose']],
    ['fa', 'پیام داده حسابتو میرسم امشب', ['threat']],
    ['ps', 'په کورنۍ بار یم، ښه به وي چې ورک شم', ['self_harm']],
    ['ps', 'هیڅ دلیل نشته چې ژوندی پاتې شم', ['self_harm']],
    ['ps', 'میړه مې مور په کیبل وهي', ['violence']],
    ['ps', 'زوی مې د موږکانو زهر وخوړل', ['overdose']],
    ['ps', 'ویل یې چې خلاص به دې کړم', ['threat']],
  ];
  for (const [lng, text, kinds] of atOnce) {
    it(`${lng}: "${text}" gets the reply at once (${kinds.join(' or ')})`, () => {
      const a = screen.assess(text, [lng]);
      expect(a.alarm, JSON.stringify(a)).to.not.equal(undefined);
      expect(kinds).to.include(a.alarm!.kind);
    });
  }

  const noAlarm: [string, string][] = [
    ['ar', 'الحر برا عم يقتلني'],
    ['ar', 'مرتي رح تذبحني لاني نسيت عيد ميلادها ههههه'],
    ['ar', 'ما بدي اصحى بكير يوم السبت'],
    ['ar', 'بنتي ميتة من الجوع بدها تاكل'],
    ['fa', 'سرمای امروز داره منو میکشه'],
    ['fa', 'اجاق گاز ما روشن نمیشه، تعمیرکار میخوام'],
    ['fa', 'خواهرم منو میکشه اگه بفهمه لباسشو پوشیدم'],
    ['ps', 'دا یخني مې وژني نن'],
    ['ps', 'د سر درد ګولۍ له کوم ځای واخلم'],
    ['ps', 'خدای پامان، سبا به بیا خبرې وکړو'],
  ];
  for (const [lng, text] of noAlarm) {
    it(`${lng}: "${text}" raises no alarm`, () => {
      expect(screen.assess(text, [lng]).alarm).to.equal(undefined);
    });
  }
});
