import { COLLECT_FORMAT_INFO, type CollectFormat } from '../../wsdl/rest/collect-formats.js';
import type { RestOperationName } from '../../wsdl/rest/endpoints.js';
import {
  fullName,
  type CertificateProfile,
  type CustomField,
  type EnrollRequest,
  type EnrollResponse,
  type ManualRevokeRequest,
  type PersonCreateRequest,
  type ReplaceRequest,
  type RestOrganization,
  type RevokeByEmailRequest,
  type RevokeRequest,
} from '../../wsdl/rest/schemas.js';
import { pemCertificates, pkcs7CertsOnly, pkcs7Pem } from '../ca/bundle.js';
import { CsrRejected, parseCsr, type ParsedCsr } from '../ca/csr.js';
import { requestForKey, spkiOf } from '../ca/key-request.js';
import type { TestCa } from '../ca/test-ca.js';
import type { OrderStore } from '../store/order-store.js';
import { isRefusal, type Access } from './access.js';
import type { Accounts, Customer, Organization, Principal } from './accounts.js';
import type { Clock } from './clock.js';
import type { OrderLifecycle } from './lifecycle.js';
import { usernameProblem } from './leaf-subject.js';
import type { CallContext, OrderIntake } from './order-intake.js';
import type { Order, RestEnrollment } from './orders.js';
import { namesOf, type PersonDetails, type Persons } from './persons.js';
import { profileView, RestDirectory, type RestProfile } from './rest-accounts.js';
import { RestLists } from './rest-lists.js';
import { RestLookups } from './rest-lookups.js';
import { refuse, restCall, type Outcome, type RestAuth, type RestRefusal } from './rest-outcomes.js';
import { isValidUsername } from './rules.js';

export type { Outcome, RestAuth, RestRefusal } from './rest-outcomes.js';
export type { ListPage } from './rest-lists.js';

/**
 * The REST S/MIME API's operations over the same accounts, orders, persons and lifecycle as SOAP. Each answers a
 * value or the situation that refuses it (rest-outcomes.ts); the REST front end (server/rest/) maps situations to
 * the REST catalog's codes. Requests arrive checked against the contract (wsdl/rest/schemas.ts); what needs the
 * accounts or the orders is checked here. A call is admitted first (`admit`: credentials, configuration, injected
 * faults), so a caller without credentials learns nothing of what it sent. The lists and details are `lists`
 * (rest-lists.ts); finding the order a request names is rest-lookups.ts.
 */

/** A downloaded certificate: the bytes, and the file name Content-Disposition gives them. */
export interface CollectedFile {
  body: Buffer;
  filename: string;
}

export interface RestServiceDeps {
  accounts: Accounts;
  store: OrderStore;
  ca: TestCa;
  clock: Clock;
  lifecycle: OrderLifecycle;
  access: Access;
  intake: OrderIntake;
  persons: Persons;
  /** the term of a SOAP order (which names none), in days */
  validityDays: number;
}

export class RestService {
  private readonly lookups: RestLookups;
  /** the lists, the count, a person's certificates, a certificate's details */
  readonly lists: RestLists;

  constructor(private readonly deps: RestServiceDeps) {
    this.lookups = new RestLookups(deps);
    this.lists = new RestLists({ ...deps, lookups: this.lookups });
  }

  /** Credentials, the customer's configuration for the operation, injected faults: the principal to act as. */
  admit(operation: RestOperationName, auth: RestAuth): Outcome<Principal> {
    const principal = this.deps.access.admit(restCall(operation), {
      login: auth.login,
      password: auth.password,
      customerLoginUri: auth.customerUri,
    });
    return isRefusal(principal) ? refuse(principal) : { value: principal };
  }

  private directory(customer: Customer): RestDirectory<Organization> {
    return new RestDirectory(customer);
  }

  // ---- profiles, custom fields, organizations ----

  listTypes(principal: Principal, organizationId: number | undefined): Outcome<CertificateProfile[]> {
    const dir = this.directory(principal.customer);
    if (organizationId === undefined) return { value: dir.profiles().map(profileView) };
    const unit = dir.unit(organizationId);
    if (!unit) return refuse({ situation: 'organization-not-found', id: organizationId });
    if (!this.deps.accounts.mayActFor(principal.admin, unit.org.orgId))
      return refuse({ situation: 'permission-denied', org: unit.org });
    return { value: dir.profilesOf(unit.org).map(profileView) };
  }

  listCustomFields(principal: Principal): Outcome<CustomField[]> {
    return { value: this.directory(principal.customer).customFields() };
  }

  organizations(principal: Principal): Outcome<RestOrganization[]> {
    const dir = this.directory(principal.customer);
    return {
      value: principal.customer.organizations
        .filter((o) => this.deps.accounts.mayActFor(principal.admin, o.orgId))
        .map((o) => dir.organization(o)),
    };
  }

  // ---- enrollment ----

  enroll(
    principal: Principal,
    req: EnrollRequest,
    ctx: CallContext,
  ): Outcome<EnrollResponse> | Promise<Outcome<EnrollResponse>> {
    const dir = this.directory(principal.customer);
    const unit = dir.unit(req.orgId);
    if (!unit) return refuse({ situation: 'organization-not-found', id: req.orgId });
    const { org } = unit;
    const gate = this.deps.access.orgGate(restCall('smime.enroll'), principal, org);
    if (gate) return refuse(gate);
    const profile = dir.profile(req.certType);
    if (!profile) return refuse({ situation: 'profile-not-found', id: req.certType });
    if (!dir.profilesOf(org).some((p) => p.id === profile.id))
      return refuse({ situation: 'profile-not-available', id: profile.id });
    if (!profile.terms.includes(req.term)) return refuse({ situation: 'term-invalid', term: req.term });
    const outside = this.outsideDomains(org, [req.email, ...(req.secondaryEmails ?? [])]);
    if (outside) return refuse(outside);
    const customFields = req.customFields ?? [];
    const fields = dir.customFields();
    const unknown = customFields.find((f) => !fields.some((d) => d.name === f.name));
    if (unknown) return refuse({ situation: 'custom-field-unknown', name: unknown.name });
    const missing = fields.find((d) => d.mandatory && !customFields.some((f) => f.name === d.name && f.value !== ''));
    if (missing) return refuse({ situation: 'custom-field-missing', name: missing.name });
    // the subject CN: the commonName given, or the person's full name ("if omitted will be constructed")
    const commonName = req.commonName?.trim() || fullName(req);
    // the CN names the subject: it may carry no mailbox address but the validated one (SBR 7.1.4.2)
    const nameProblem = isValidUsername(commonName) ? usernameProblem(org, commonName, req.email) : 'not a name';
    if (nameProblem)
      return refuse({
        situation: 'invalid-field',
        field: req.commonName?.trim() ? 'commonName' : 'firstName',
        details: nameProblem,
      });
    const csr = this.checkedCsr(req.csr, profile);
    if ('refusal' in csr) return csr;

    const rest: RestEnrollment = {
      certType: profile.id,
      term: req.term,
      firstName: req.firstName,
      ...(req.middleName ? { middleName: req.middleName } : {}),
      lastName: req.lastName,
      ...(req.commonName ? { commonName: req.commonName } : {}),
      ...(req.phone ? { phone: req.phone } : {}),
      secondaryEmails: req.secondaryEmails ?? [],
      ...(req.eppn ? { eppn: req.eppn } : {}),
      ...(req.upn ? { upn: req.upn } : {}),
      ...(req.comments ? { comments: req.comments } : {}),
      customFields: customFields.map(({ name, value }) => ({ name, value })),
    };
    const order = this.deps.intake.create({
      api: 'rest',
      principal,
      org,
      ...(unit.department !== undefined ? { department: unit.department } : {}),
      username: commonName,
      email: req.email,
      csr: csr.value,
      templates: profile.template ? [profile.template] : [],
      rest,
      person: { details: personDetails(req), update: true },
      ctx,
    });
    return order instanceof Promise ? order.then(enrolled) : enrolled(order);
  }

  /** The first of `emails` whose domain is not one of the organization's. */
  private outsideDomains(org: Organization, emails: readonly string[]): RestRefusal | undefined {
    const email = emails.find((e) => !this.deps.accounts.emailDomainAllowed(org, e));
    return email === undefined
      ? undefined
      : { situation: 'domain-not-allowed', domain: email.slice(email.lastIndexOf('@') + 1) };
  }

  /** A CSR the test CA accepts, with a key the profile lists. */
  private checkedCsr(text: string, profile: RestProfile): Outcome<ParsedCsr> {
    let csr: ParsedCsr;
    try {
      csr = parseCsr(text);
    } catch (err) {
      if (err instanceof CsrRejected)
        return refuse({ situation: 'csr-rejected', problem: err.problem, details: err.message });
      throw err;
    }
    const refusal = keyRefusal(csr, profile);
    return refusal ? refuse(refusal) : { value: csr };
  }

  // ---- collect ----

  /** The issued certificate in `format`. A collect counts as a status poll, as SOAP's does. */
  collect(principal: Principal, backendCertId: string, format: CollectFormat): Outcome<CollectedFile> {
    const found = this.lookups.byBackendId('smime.collect', principal, backendCertId, true);
    if ('refusal' in found) return found;
    const order = found.value;
    const refusal = this.lookups.notIssued(order);
    if (refusal || !order.certificate)
      return refuse(refusal ?? { situation: 'not-issued', state: 'pending', status: 'requested' });
    const { ca } = this.deps;
    const leaf = Buffer.from(order.certificate.der, 'base64');
    const issuing = ca.issuingFor(order.baseUrl).der;
    const root = ca.root.der;
    const body = collectBody(format, leaf, issuing, root);
    const filename = `${order.email.replace(/[^A-Za-z0-9_-]/g, '_')}.${COLLECT_FORMAT_INFO[format].extension}`;
    return { value: { body: Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'), filename } };
  }

  // ---- revocation ----

  revokeByOrder(principal: Principal, backendCertId: string, req: RevokeRequest): Outcome<void> {
    const found = this.lookups.byBackendId('smime.revokeByOrder', principal, backendCertId, false);
    return 'refusal' in found ? found : this.revokeIssued(found.value, req, 'smime.revokeByOrder');
  }

  revokeBySerial(principal: Principal, serialNumber: string, req: RevokeRequest): Outcome<void> {
    const found = this.lookups.bySerial('smime.revokeBySerial', principal, serialNumber);
    return 'refusal' in found ? found : this.revokeIssued(found.value, req, 'smime.revokeBySerial');
  }

  private revokeIssued(order: Order, req: RevokeRequest, by: RestOperationName): Outcome<void> {
    const refusal = this.lookups.notIssued(order);
    if (refusal) return refuse(refusal);
    // without a reasonCode the revocation is unspecified (0): REST names its reason by code, not by text
    this.deps.lifecycle.revoke(order, req.reason ?? '', by, { reasonCode: req.reasonCode ?? 0 });
    return { value: undefined };
  }

  /** Every valid certificate of the person, in the organizations the admin may act for. */
  revokeByEmail(principal: Principal, req: RevokeByEmailRequest): Outcome<void> {
    const { accounts, store, lifecycle, access } = this.deps;
    let revoked = 0;
    for (const order of store.list({ customerUri: principal.customer.customerLoginUri, email: req.email })) {
      const org = accounts.organization(principal.customer, order.orgId);
      if (!org || access.orgGate(restCall('smime.revokeByEmail'), principal, org)) continue;
      lifecycle.advance(order, false);
      if (order.state !== 'issued') continue;
      lifecycle.revoke(order, req.reason ?? '', 'smime.revokeByEmail', { reasonCode: req.reasonCode ?? 0 });
      revoked++;
    }
    return revoked ? { value: undefined } : refuse({ situation: 'nothing-to-revoke', email: req.email });
  }

  /** Mark a certificate revoked without the CA: it stays valid on the CRL and by OCSP ("not revoked on CA side"). */
  revokeManual(principal: Principal, req: ManualRevokeRequest): Outcome<void> {
    let found: Outcome<Order>;
    if (req.certId !== undefined && req.certId !== null)
      found = this.lookups.byCertId('smime.revokeManual', principal, req.certId);
    else if (!req.serialNumber) return refuse({ situation: 'missing-field', field: 'certId' });
    else if (!req.issuer) return refuse({ situation: 'missing-field', field: 'issuer' });
    else found = this.lookups.bySerial('smime.revokeManual', principal, req.serialNumber);
    if ('refusal' in found) return found;
    const at = req.revokeDate ? Date.parse(req.revokeDate) : this.deps.clock.now();
    if (!Number.isFinite(at) || at < 0) return refuse({ situation: 'invalid-field', field: 'revokeDate' });
    const order = found.value;
    const refusal = this.lookups.notIssued(order);
    if (refusal) return refuse(refusal);
    this.deps.lifecycle.revoke(order, '', 'smime.revokeManual', { reasonCode: req.reasonCode ?? 0, at, manual: true });
    return { value: undefined };
  }

  // ---- renewal, replacement ----

  renewByOrder(
    principal: Principal,
    backendCertId: string,
    ctx: CallContext,
  ): Outcome<EnrollResponse> | Promise<Outcome<EnrollResponse>> {
    const found = this.lookups.byBackendId('smime.renewByOrder', principal, backendCertId, false);
    return 'refusal' in found ? found : this.renew(principal, found.value, ctx);
  }

  renewBySerial(
    principal: Principal,
    serial: string,
    ctx: CallContext,
  ): Outcome<EnrollResponse> | Promise<Outcome<EnrollResponse>> {
    const found = this.lookups.bySerial('smime.renewBySerial', principal, serial);
    return 'refusal' in found ? found : this.renew(principal, found.value, ctx);
  }

  /** "A new Client certificate using the CSR and parameters of the initial Client certificate": its key. */
  private renew(
    principal: Principal,
    old: Order,
    ctx: CallContext,
  ): Outcome<EnrollResponse> | Promise<Outcome<EnrollResponse>> {
    const refusal = this.lookups.notIssued(old);
    if (refusal) return refuse(refusal);
    const org = this.deps.accounts.organization(principal.customer, old.orgId)!;
    const spki = spkiOf(Buffer.from(old.certificate!.der, 'base64'));
    const order = this.deps.intake.create({
      ...this.successorOf(principal, org, old, ctx),
      csr: requestForKey(spki),
      publicKey: spki.toString('base64'),
    });
    return order instanceof Promise ? order.then(enrolled) : enrolled(order);
  }

  /** Deprecated in the docs: a new certificate for a new CSR with the old one's parameters; the old one revoked. */
  replace(
    principal: Principal,
    backendCertId: string,
    req: ReplaceRequest,
    ctx: CallContext,
  ): Outcome<void> | Promise<Outcome<void>> {
    const found = this.lookups.byBackendId('smime.replace', principal, backendCertId, false);
    if ('refusal' in found) return found;
    const old = found.value;
    const refusal = this.lookups.notIssued(old);
    if (refusal) return refuse(refusal);
    const org = this.deps.accounts.organization(principal.customer, old.orgId)!;
    const successor = this.successorOf(principal, org, old, ctx);
    const profile = this.directory(principal.customer).profileOfOrder({ orgId: org.orgId, rest: successor.rest });
    const csr = this.checkedCsr(req.csr, profile);
    if ('refusal' in csr) return csr;
    const order = this.deps.intake.create({ ...successor, csr: csr.value });
    const done = (): Outcome<void> => {
      // an organization that auto-revokes may have revoked it already, when the new one was issued
      if (req.revoke !== false && old.state === 'issued')
        this.deps.lifecycle.revoke(old, req.reason ?? '', 'smime.replace', { reasonCode: 4 });
      return { value: undefined };
    };
    return order instanceof Promise ? order.then(done) : done();
  }

  /** A renewal's or replacement's order, but for its key: the old order's organization, person, profile and term. */
  private successorOf(principal: Principal, org: Organization, old: Order, ctx: CallContext) {
    const rest: RestEnrollment = old.rest
      ? { ...old.rest, renewalOf: old.orderNumber }
      : {
          certType: this.directory(principal.customer).defaultProfileOf(org).id,
          term: this.deps.validityDays,
          ...namesOf(old.username),
          secondaryEmails: [],
          customFields: [],
          renewalOf: old.orderNumber,
        };
    return {
      api: 'rest' as const,
      principal,
      org,
      ...(old.department !== undefined ? { department: old.department } : {}),
      username: old.username,
      email: old.email,
      templates: old.templates,
      rest,
      person: { details: {}, update: false },
      ctx,
    };
  }

  // ---- persons ----

  personIdByEmail(principal: Principal, email: string): Outcome<{ personId: number }> {
    const person = this.deps.persons.byEmail(principal.customer.customerLoginUri, email);
    return person ? { value: { personId: person.id } } : refuse({ situation: 'person-not-found', ref: email });
  }

  createPerson(principal: Principal, req: PersonCreateRequest): Outcome<{ personId: number }> {
    const { accounts, persons } = this.deps;
    const customerUri = principal.customer.customerLoginUri;
    const unit = this.directory(principal.customer).unit(req.organizationId);
    if (!unit) return refuse({ situation: 'organization-not-found', id: req.organizationId });
    if (!accounts.mayActFor(principal.admin, unit.org.orgId))
      return refuse({ situation: 'permission-denied', org: unit.org });
    const outside = this.outsideDomains(unit.org, [req.email, ...(req.secondaryEmails ?? [])]);
    if (outside) return refuse(outside);
    if (persons.byEmail(customerUri, req.email)) return refuse({ situation: 'person-exists', email: req.email });
    const person = persons.create(
      customerUri,
      req.organizationId,
      req.email,
      { ...personDetails(req), validationType: req.validationType },
      principal.admin.login,
    );
    return { value: { personId: person.id } };
  }
}

/** What an enrollment or a create request says about its person (absent fields: empty). */
function personDetails(req: EnrollRequest | PersonCreateRequest): PersonDetails {
  return {
    firstName: req.firstName,
    middleName: req.middleName ?? '',
    lastName: req.lastName,
    commonName: req.commonName ?? '',
    phone: req.phone ?? '',
    secondaryEmails: req.secondaryEmails ?? [],
    eppn: req.eppn ?? '',
    upn: req.upn ?? '',
  };
}

const enrolled = (order: Order): Outcome<EnrollResponse> => ({
  value: { orderNumber: order.orderNumber, backendCertId: String(order.orderNumber) },
});

/** Whether the profile's keyTypes list the CSR's key: RSA, and its size. */
function keyRefusal(csr: ParsedCsr, profile: RestProfile): RestRefusal | undefined {
  const sizes = profile.keyTypes.RSA;
  if (!sizes)
    return {
      situation: 'key-not-allowed',
      what: 'algorithm',
      details: `the profile allows ${Object.keys(profile.keyTypes).join(', ')} keys, not RSA`,
    };
  if (!sizes.includes(String(csr.keyBits)))
    return {
      situation: 'key-not-allowed',
      what: 'size',
      details: `an RSA key of ${csr.keyBits} bits; the profile allows ${sizes.join(', ')}`,
    };
  return undefined;
}

/** A certificate with its chain as a collect format delivers it (the chain orders: wsdl/rest/collect-formats.ts). */
function collectBody(format: CollectFormat, leaf: Buffer, issuing: Buffer, root: Buffer): string | Buffer {
  switch (format) {
    case 'x509':
    case 'pem':
      return pemCertificates([leaf, issuing, root]);
    case 'x509R':
      return pemCertificates([root, issuing, leaf]);
    case 'x509CO':
    case 'pemco':
      return pemCertificates([leaf]);
    case 'x509IO':
      return pemCertificates([root, issuing]);
    case 'x509IOR':
      return pemCertificates([issuing, root]);
    case 'pemia':
      return pemCertificates([leaf, issuing]);
    case 'base64':
      return pkcs7Pem([leaf, issuing, root]);
    case 'bin':
      return pkcs7CertsOnly([leaf, issuing, root]);
  }
}
