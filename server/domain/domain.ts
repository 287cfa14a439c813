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

/**
 * The domain as a front end sees it, assembled from its parts. A front end (SOAP, REST) calls `service`:
 * the nine operations over typed arguments, answering the catalog's codes. The control plane (admin API)
 * drives orders through `lifecycle` (see order-actions.ts for the manual transitions). Neither reaches
 * the store, the CA or the clock through them.
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
  service: EpkiService;
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
  return { service, lifecycle, persons };
}
