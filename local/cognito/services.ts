/**
 * cognito-local's services and targets, run in-process with data under a directory of our
 * choosing (its own `createDefaultServer` insists on `./.cognito` and port 9229), issuing
 * tokens as `https://cognito-idp.<region>.amazonaws.com/<pool id>`, the issuer AWS uses.
 */
import type { Config } from 'cognito-local/lib/server/config.js';
import type { Route } from 'cognito-local/lib/server/Router.js';
import type { CognitoService } from 'cognito-local/lib/services/cognitoService.js';
import type { Context as CognitoContext } from 'cognito-local/lib/services/context.js';
import type { Services } from 'cognito-local/lib/services/index.js';
import type { LogService } from 'cognito-local/lib/services/LogService.js';
import type { Lambda } from 'cognito-local/lib/services/lambda.js';
import type { MessageSender } from 'cognito-local/lib/services/messageDelivery/messageSender.js';

/** A Cognito API error (cognito-local's base class), rebuilt here for the stand-in's own checks. */
export type CognitoErrorConstructor = new (code: string, message: string) => Error & { code: string };

/** Options of {@link createCognitoServices}. */
export interface CognitoServicesOptions {
  /** Where cognito-local keeps its data (must exist). */
  dbDir: string;
  /** `https://cognito-idp.<region>.amazonaws.com`: tokens' `iss` is this and the pool id. */
  issuerDomain: string;
  /** The PreSignUp trigger's ARN, served by `triggers`. */
  triggerArn: string;
  /** The triggers, served in-process. */
  triggers: Lambda;
  /** Log cognito-local's internal errors and any messages it would send (codes). */
  verbose?: boolean;
}

/** cognito-local, running in-process. */
export interface CognitoServices {
  cognito: CognitoService;
  /** The context every cognito-local call takes (its logger). */
  ctx: CognitoContext;
  /** cognito-local's target of an API operation (`'AdminGetUser'`). */
  route(operation: string): Route;
  /** cognito-local's base class of Cognito API errors. */
  CognitoError: CognitoErrorConstructor;
  /** What cognito-local throws for what it does not implement. */
  UnsupportedError: abstract new (
    ...args: never[]
  ) => Error;
  /** A Cognito API error, answered like cognito-local's own. */
  cognitoError(code: string, message: string): Error;
}

/** Loads cognito-local and puts its services together. */
export async function createCognitoServices(options: CognitoServicesOptions): Promise<CognitoServices> {
  const { dbDir } = options;
  // cognito-local loads the AWS SDK v2, which prints an end-of-support notice on load.
  process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE ??= '1';
  const [
    { Router },
    { DefaultConfig },
    errors,
    { DateClock, MessagesService, TriggersService },
    { CognitoServiceFactoryImpl },
    { CryptoService },
    { StormDBDataStoreFactory },
    { MessageDeliveryService },
    { otp },
    { JwtTokenGenerator },
    { UserPoolServiceFactoryImpl },
  ] = await Promise.all([
    import('cognito-local/lib/server/Router.js'),
    import('cognito-local/lib/server/config.js'),
    import('cognito-local/lib/errors.js'),
    import('cognito-local/lib/services/index.js'),
    import('cognito-local/lib/services/cognitoService.js'),
    import('cognito-local/lib/services/crypto.js'),
    import('cognito-local/lib/services/dataStore/stormDb.js'),
    import('cognito-local/lib/services/messageDelivery/messageDelivery.js'),
    import('cognito-local/lib/services/otp.js'),
    import('cognito-local/lib/services/tokenGenerator.js'),
    import('cognito-local/lib/services/userPoolService.js'),
  ]);
  const CognitoError = errors.CognitoError as unknown as CognitoErrorConstructor;
  const cognitoError = (code: string, message: string): Error => new CognitoError(code, message);

  const noop = (): void => undefined;
  const logger: LogService = {
    child: () => logger,
    debug: noop,
    info: noop,
    warn: noop,
    error: options.verbose ? (...args: unknown[]) => console.error('[cognito]', ...args) : noop,
  };
  const ctx: CognitoContext = { logger };

  /** Cognito would email or text these; locally they are only logged when verbose. */
  const sender: MessageSender = {
    sendEmail: async (_ctx, _user, destination, message) => {
      if (options.verbose) console.log(`[cognito] email to ${destination}: code ${message.__code ?? '-'}`);
    },
    sendSms: async (_ctx, _user, destination, message) => {
      if (options.verbose) console.log(`[cognito] SMS to ${destination}: code ${message.__code ?? '-'}`);
    },
  };

  const config: Config = {
    ...DefaultConfig,
    TriggerFunctions: { PreSignUp: options.triggerArn },
    UserPoolDefaults: { UsernameAttributes: ['email'] },
    TokenConfig: { IssuerDomain: options.issuerDomain },
  };
  const clock = new DateClock();
  const dataStoreFactory = new StormDBDataStoreFactory(dbDir);
  const cognito: CognitoService = await new CognitoServiceFactoryImpl(
    dbDir,
    dataStoreFactory,
    new UserPoolServiceFactoryImpl(clock, dataStoreFactory),
  ).create(ctx, config.UserPoolDefaults);
  const triggers = new TriggersService(clock, cognito, options.triggers, new CryptoService({}));
  const services: Services = {
    clock,
    cognito,
    config,
    messages: new MessagesService(triggers, new MessageDeliveryService(sender)),
    otp,
    tokenGenerator: new JwtTokenGenerator(clock, triggers, config.TokenConfig),
    triggers,
  };
  const router = Router(services);
  const routes = new Map<string, Route>();
  const route = (operation: string): Route => {
    let r = routes.get(operation);
    if (!r) {
      r = router(operation);
      routes.set(operation, r);
    }
    return r;
  };

  return {
    cognito,
    ctx,
    route,
    CognitoError,
    UnsupportedError: errors.UnsupportedError,
    cognitoError,
  };
}
