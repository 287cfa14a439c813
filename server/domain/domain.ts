import type { TbsSigner } from '../ca/sign-pool.js';
import type { TestCa } from '../ca/test-ca.js';
import type { OrderStore } from '../store/order-store.js';
import { Access, type CodeInjector } from './access.js';
import type { Accounts } from './accounts.js';
import type { Clock } from './clock.js';
import { EpkiService, type ServiceSettings } from './epki-service.js';
import { Issuance } from './issuance.js';
import { OrderLifecycle, type DelaySpec } from './lifecycle.js';
import { OrderIntake } from './order-intake.js';
import { Persons } from './persons.js';
import type { SeededRandom } from './random.js';
import { RestService } from './rest-service.js';

/**
 * The domain as the front ends see it, assembled from its parts. The SOAP front end calls `service`: the nine
 * operations over typed arguments, answering the SOAP catalog's codes; the REST front end calls `rest`, whose
 * operations answer values or situations it maps to the REST catalog. Both share the access checks, the order
 * intake and the lifecycle, so an order made through one API is collected or revoked through the other. The
 * control plane (admin API) drives orders through `lifecycle` (see order-actions.ts for the manual transitions).
 * None reaches the store, the CA or the clock through them.
 */

export interface DomainSettings extends ServiceSettings {
  /** validity of issued certificates, in days */
  validityDays: number;
  /** processing delay for organizations that set none */
  defaultDelay: DelaySpec;
}

export interface DomainDeps {
  accounts: Accounts;
  store: OrderStore;
  ca: TestCa;
  clock: Clock;
  random: SeededRandom;
  settings: DomainSettings;
  /** may answer a call with a code before the domain does (fault injection) */
  injector?: CodeInjector;
  /**
   * Signs certificates issued at enroll time off the event loop (the worker pool). Without it, and for
   * every certificate issued later (delays, polls, admin actions), the main thread signs.
   */
  signer?: TbsSigner;
}

export interface Domain {
  /** the SOAP API's nine operations */
  service: EpkiService;
  /** the REST API's operations */
  rest: RestService;
  lifecycle: OrderLifecycle;
  persons: Persons;
}

export function createDomain(deps: DomainDeps): Domain {
  const { accounts, store, ca, clock, random, settings, injector, signer } = deps;
  const issuance = new Issuance({ accounts, store, ca, random, validityDays: settings.validityDays, signer });
  const lifecycle = new OrderLifecycle({
    store,
    clock,
    accounts,
    random,
    issuance,
    defaultDelay: settings.defaultDelay,
  });
  const persons = new Persons(store.persons, () => clock.now());
  const access = new Access({ accounts, store, lifecycle, injector });
  const intake = new OrderIntake({ accounts, store, clock, random, lifecycle, persons });
  const service = new EpkiService({
    accounts,
    store,
    ca,
    lifecycle,
    access,
    intake,
    settings: { certificateFormat: settings.certificateFormat, serviceInfo: settings.serviceInfo },
  });
  const rest = new RestService({
    accounts,
    store,
    ca,
    clock,
    lifecycle,
    access,
    intake,
    persons,
    validityDays: settings.validityDays,
  });
  return { service, rest, lifecycle, persons };
}
