/**
 * The benchmark's baseline: a stock botbuilder bot as the samples build it. restify 12 with a body
 * parser, CloudAdapter, ActivityHandler, ConversationState and UserState on MemoryStorage, and a
 * 3-step WaterfallDialog with a TextPrompt. No Redis, no locking.
 */
import * as restify from 'restify';
import {
  ActivityHandler,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConversationState,
  MemoryStorage,
  UserState,
} from 'botbuilder';
import { DialogSet, DialogTurnStatus, TextPrompt, WaterfallDialog, type DialogState } from 'botbuilder-dialogs';

const storage = new MemoryStorage();
const conversationState = new ConversationState(storage);
const userState = new UserState(storage);
const dialogState = conversationState.createProperty<DialogState>('dialogState');
const profile = userState.createProperty<{ name?: string }>('profile');

class EchoWaterfallBot extends ActivityHandler {
  private readonly dialogs = new DialogSet(dialogState);

  constructor() {
    super();
    const dialogs = this.dialogs;
    dialogs.add(new TextPrompt('name'));
    dialogs.add(
        new WaterfallDialog('main', [
          async (step) => step.prompt('name', 'What is your name?'),
          async (step) => {
            (await profile.get(step.context, {})).name = String(step.result);
            return step.prompt('name', `Hello ${String(step.result)}. Say something.`);
          },
          async (step) => {
            await step.context.sendActivity(`echo: ${String(step.result)}`);
            return step.endDialog();
          },
        ]),
    );
    this.onMessage(async (context, next) => {
      const dc = await dialogs.createContext(context);
      const result = await dc.continueDialog();
      if (result.status === DialogTurnStatus.empty) await dc.beginDialog('main');
      await next();
    });
  }

  override async run(context: Parameters<ActivityHandler['run']>[0]): Promise<void> {
    await super.run(context);
    await conversationState.saveChanges(context);
    await userState.saveChanges(context);
  }
}

const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
const bot = new EchoWaterfallBot();
const server = restify.createServer();
server.use(restify.plugins.bodyParser());
server.post('/api/messages', async (req, res) => {
  await adapter.process(req, res, (context) => bot.run(context));
});
server.get('/healthz', async (_req, res) => {
  res.json({ status: 'ok' });
});
server.listen(Number(process.env.PORT ?? 3979), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
