import { expect } from 'chai';
import { DangerWords } from '../../src/nlu/dangerWords';
import { fold } from '../../src/nlu/fold';
import { SafetyScreen, type SafetyKind } from '../../src/nlu/safety';

/**
 * Emergencies said in words the phrase list does not hold (issue #9): the danger words of
 * locales/<lng>/danger.json, with the classifier, must give the 112 reply at once; and the ordinary
 * look-alikes ("grammar kills me", "killing time") must not. Written for this test, not taken from
 * any dev or held-out set.
 */
describe('safety screen: emergencies in indirect words, and their ordinary look-alikes', () => {
  const screen = SafetyScreen.load();

  const atOnce: [string, string, SafetyKind[]][] = [
    ['en', 'my husband choked her and there are bruises on her neck', ['violence']],
    ['en', 'she swallowed all her sleeping tablets and we cannot wake her', ['overdose']],
    ['en', 'i gave away all my things and said goodbye to everyone', ['self_harm']],
    ['en', 'i cannot do this anymore, i want to disappear forever', ['self_harm']],
    ['en', 'a man threatened me with a knife at the bus stop', ['threat', 'violence']],
    ['en', 'he is shaking on the floor and his eyes are rolling back', ['medical']],
    ['en', 'she fell and does not respond, she is not breathing', ['medical']],
    ['da', 'min mand har tævet hende og hun har blå mærker over det hele', ['violence']],
    ['da', 'hun har slugt alle sine sovepiller og vågner ikke', ['overdose']],
    ['da', 'jeg vil ikke vågne op i morgen, jeg kan ikke mere', ['self_harm']],
    ['da', 'han truede mig med en kniv ved stationen', ['threat', 'violence']],
    ['de', 'er hat sie gewürgt und sie hat blaue flecken am hals', ['violence']],
    ['de', 'sie hat alle ihre schlaftabletten geschluckt und wacht nicht auf', ['overdose']],
    ['de', 'ich habe mich von allen verabschiedet und kann nicht mehr', ['self_harm']],
    ['de', 'er liegt am boden, zuckt und hat schaum vor dem mund', ['medical']],
    ['ru', 'он бил её головой об стену, у неё синяки', ['violence']],
    ['ru', 'она выпила всю упаковку снотворного и не просыпается', ['overdose']],
    ['ru', 'я раздала свои вещи и попрощалась со всеми', ['self_harm']],
    ['ru', 'он угрожал мне ножом возле дома', ['threat']],
    ['ru', 'он упал и не отвечает, пена изо рта', ['medical']],
    ['uk', 'він бив її головою об стіну, у неї синці', ['violence']],
    ['uk', 'вона проковтнула всі таблетки і не прокидається', ['overdose']],
    ['ar', 'ضربها وخنقها وعندها كدمات', ['violence']],
    ['ar', 'بلعت كل حبوبها وما عم تفيق', ['overdose']],
    ['ar', 'ودعت الكل وما بدي اصحى بكرا', ['self_harm']],
    ['fa', 'شوهرم منو کتک زد و گلومو گرفت', ['violence']],
    ['fa', 'همه قرصاشو خورده و بیدار نمیشه', ['overdose']],
    ['ps', 'مور مې ټولې ګولۍ وخوړې او نه راویښیږي', ['overdose']],
    ['ti', 'ሰብኣየይ ክሳደይ ሒዙ ሃሪሙኒ', ['violence']],
    ['ti', 'ኣደይ ብዙሕ ከኒና ውሒጣ ኣይትበራበርን', ['overdose']],
    ['so', 'wuu i garaacay oo qoorta iga qabtay', ['violence']],
    ['so', 'kiniinka oo dhan ayay liqday mana toosayso', ['overdose']],
  ];
  for (const [lng, text, kinds] of atOnce) {
    it(`${lng}: "${text}" gets the reply at once (${kinds.join(' or ')})`, () => {
      const a = screen.assess(text, [lng]);
      expect(a.alarm, JSON.stringify(a)).to.not.equal(undefined);
      expect(kinds).to.include(a.alarm!.kind);
    });
  }

  const ordinary: [string, string][] = [
    ['en', 'we are just killing time before the lesson'],
    ['en', 'danish grammar is killing me'],
    ['en', 'my heart breaks for my country'],
    ['en', 'use a hot knife to cut the cake'],
    ['en', 'my son wants to be an ambulance driver'],
    ['en', 'my son goes to a boxing club'],
    ['en', 'how do i pay the gas bill'],
    ['en', 'there is a fire drill at school tomorrow'],
    ['en', 'i was fired from my job'],
    ['en', 'i took my pills this morning'],
    ['en', 'how many pills can i take a day'],
    ['da', 'vi slår tiden ihjel før bussen'],
    ['de', 'die grammatik bringt mich noch um'],
    ['de', 'ich muss die gasrechnung bezahlen'],
    ['ru', 'мы просто убиваем время'],
    ['ru', 'мы были на пожарных учениях в школе'],
    ['uk', "ця граматика мене вб'є"],
    ['fa', 'دلم برای ایران میسوزد'],
    ['ar', 'قلبي بيحترق على بلدي'],
    ['so', 'naxwaha ayaa i dilaya'],
  ];
  // Everyday words the danger words share: at most the question, never the reply at once.
  const noAlarm: [string, string][] = [
    ['en', 'i said goodbye to everyone at the language school today'],
    ['en', 'the caseworker does not respond to my emails'],
    ['en', 'my chest hurts a bit when i cough, can i see a doctor'],
    ['en', 'the doctor gave me sleeping pills, how many can i take'],
    ['en', 'he follows me on facebook'],
    ['ru', 'я попрощалась со всеми на курсе'],
    ['uk', 'я попрощалася з усіма в школі'],
    ['ar', 'ودعت الكل بالمدرسة اليوم'],
    ['ar', 'يا مسكين شو صار معك'],
    ['de', 'wir haben alte sachen verschenkt'],
    ['so', 'kiniinada madax xanuunka xagee laga iibsadaa'],
    ['en', "i can't go on paying this rent"],
    ['en', 'i burned my finger while cooking'],
    ['de', 'ich kann nicht mehr warten auf den termin'],
    ['de', 'ich habe mir beim kochen die hand verbrannt'],
    ['fa', 'موقع آشپزی دستم سوخت'],
    ['ti', 'ኢደይ ክሰርሕ ከለኹ ተቓጺሉ'],
    ['en', 'the parcel is outside my door'],
    ['en', 'my son has a toy gun'],
    ['fa', 'پسرم یه تفنگ اسباب بازی داره'],
    ['en', 'can i smoke on the balcony'],
    ['ti', 'ደም ክምርመር የድልየኒ'],
  ];
  for (const [lng, text] of noAlarm) {
    it(`${lng}: "${text}" raises no alarm`, () => {
      expect(screen.assess(text, [lng]).alarm).to.equal(undefined);
    });
  }
  for (const [lng, text] of ordinary) {
    it(`${lng}: "${text}" is ordinary: no alarm, no question`, () => {
      expect(screen.assess(text, [lng])).to.deep.equal({});
    });
  }

  it('counts danger words that share a word as one ("siger farvel", "farvel til alle")', () => {
    const words = new DangerWords([{ self_harm: ['siger farvel', 'farvel til alle', 'giver sine ting'] }]);
    expect(words.strongest(fold('hun siger farvel til alle'))?.entries).to.equal(1);
    expect(words.strongest(fold('hun giver sine ting væk og siger farvel til alle'))?.entries).to.be.at.least(2);
    expect(words.longestPhrase(fold('hun siger farvel til alle'), 'self_harm')).to.equal(3);
  });

  it('does not take "بلعب" (playing) for "بلع" (swallowed)', () => {
    const project = DangerWords.load();
    expect(project.explain(fold('ابني بلعب بالحديقة')).filter((e) => e.label === 'overdose')).to.deep.equal([]);
    expect(project.kindOf(fold('ابني بلع دوا'))).to.equal('overdose');
  });
});
