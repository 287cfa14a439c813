"""The REST S/MIME flow of python-cert_manager (broadinstitute/python-cert_manager), with plain `requests`.

PyPI is not reachable here, so this is written from the vendor's REST documentation and from what
python-cert_manager sends and expects (its Client, SMIME, Organization and Person classes), call for call:
the session headers, GET types and customFields before every enroll, an enroll body with null for every unset
field, collect with no format raising PendingError on -183 and RevokedError on -192 (any other error re-raised
as requests' HTTPError, after reading its JSON body), revoke by order with {"reason"} only, list with
size/position paging until a short page, byPersonEmail, renew, the person endpoints.

Usage: rest_client.py BASE_URL CSR_FILE EMAIL_DOMAIN
Prints one JSON object of what each call gave.
"""
import json
import platform
import subprocess
import sys

import requests


class PendingError(Exception):
    CODE = -183


class RevokedError(Exception):
    CODE = -192


class Client:
    """python-cert_manager's Client: a requests session with the login headers; raise_for_status on every answer."""

    def __init__(self, base_url, login_uri, username, password):
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        self.session.headers.update({
            "login": username,
            "password": password,
            "customerUri": login_uri,
            "Accept": "application/json",
            "User-Agent": f"cert_manager/4.0.0 (Python {platform.python_version()})",
        })

    def get(self, url, params=None):
        result = self.session.get(url, params=params)
        result.raise_for_status()
        return result

    def post(self, url, data=None):
        result = self.session.post(url, json=data)
        result.raise_for_status()
        return result


def paginate(fetch, size):
    """python-cert_manager's @paginate: position grows by size while pages come back full."""
    position = 0
    while True:
        page = fetch(size=size, position=position)
        yield from page
        if len(page) < size:
            return
        position += size


class SMIME:
    def __init__(self, client):
        self.client = client
        self.api_url = f"{client.base_url}/smime/v1"
        self._cert_types = None

    @property
    def types(self):
        # cached only when non-empty, as python-cert_manager does
        if not self._cert_types:
            self._cert_types = self.client.get(f"{self.api_url}/types").json()
        return self._cert_types

    @property
    def custom_fields(self):
        return self.client.get(f"{self.api_url}/customFields").json()

    def enroll(self, cert_type_name, csr, term, org_id, email, first_name, last_name, middle_name=None,
               common_name=None, phone=None, secondary_emails=None, custom_fields=None, eppn=None, upn=None):
        cert_type = next((t for t in self.types if t["name"] == cert_type_name), None)
        if cert_type is None:
            raise ValueError(f"Incorrect certificate type specified: '{cert_type_name}'")
        if term not in cert_type["terms"]:
            raise ValueError(f"Incorrect term specified: {term}.  Valid terms are {cert_type['terms']}.")
        mandatory = [f["name"] for f in self.custom_fields if f["mandatory"]]
        given = [f["name"] for f in custom_fields or []]
        missing = [name for name in mandatory if name not in given]
        if missing:
            raise ValueError(f"Missing mandatory custom fields: {missing}")
        data = {
            "orgId": org_id, "csr": csr.rstrip(), "certType": cert_type["id"], "term": term, "email": email,
            "phone": phone, "secondaryEmails": secondary_emails, "firstName": first_name,
            "middleName": middle_name, "lastName": last_name, "commonName": common_name, "eppn": eppn, "upn": upn,
        }
        if custom_fields:
            data["customFields"] = custom_fields
        return self.client.post(f"{self.api_url}/enroll", data=data).json()

    def collect(self, cert_id):
        try:
            result = self.client.get(f"{self.api_url}/collect/{cert_id}")
        except requests.exceptions.HTTPError as exc:
            err = exc.response.json()  # error bodies must be JSON
            if err["code"] == PendingError.CODE:
                raise PendingError(err) from exc
            if err["code"] == RevokedError.CODE:
                raise RevokedError(err) from exc
            raise
        return result.content.decode(result.encoding or "ascii")

    def revoke(self, cert_id, reason):
        if not reason or len(reason) >= 512:
            raise ValueError("a reason of 1 to 511 characters is required")
        self.client.post(f"{self.api_url}/revoke/order/{cert_id}", data={"reason": reason})

    def revoke_by_email(self, email, reason):
        self.client.post(f"{self.api_url}/revoke", data={"email": email, "reason": reason})

    def list(self, size=200):
        return paginate(lambda **q: self.client.get(self.api_url, params=q).json(), size)

    def list_by_email(self, email):
        return self.client.get(f"{self.client.base_url}/smime/v2/byPersonEmail/{email}").json()

    def renew(self, cert_id):
        return self.client.post(f"{self.client.base_url}/smime/v2/renew/order/{cert_id}").json()


class Organization:
    def __init__(self, client):
        # python-cert_manager reads every organization on construction
        self.all = client.get(f"{client.base_url}/organization/v1").json()

    def find(self, org_name):
        return [o for o in self.all if o["name"] == org_name]


class Person:
    def __init__(self, client):
        self.client = client
        self.api_url = f"{client.base_url}/person/v1"

    def find_id(self, email):
        return self.client.get(f"{self.api_url}/id/byEmail/{email}").json()["personId"]

    def create(self, first_name, last_name, email, organization_id):
        result = self.client.post(self.api_url, data={
            "firstName": first_name, "lastName": last_name, "email": email,
            "validationType": "STANDARD", "organizationId": organization_id,
        })
        return int(result.headers["Location"].rstrip("/").split("/")[-1])


def subject_emails(pkcs7_pem):
    certs = subprocess.run(["openssl", "pkcs7", "-print_certs"], input=pkcs7_pem.encode(), capture_output=True,
                           check=True).stdout
    leaf = certs.split(b"-----END CERTIFICATE-----")[0] + b"-----END CERTIFICATE-----\n"
    out = subprocess.run(["openssl", "x509", "-noout", "-ext", "subjectAltName"], input=leaf, capture_output=True,
                         check=True).stdout.decode()
    return [part.strip()[len("email:"):] for part in out.splitlines()[-1].split(",")]


def main():
    base_url, csr_file, domain = sys.argv[1], sys.argv[2], sys.argv[3]
    csr = open(csr_file).read()
    client = Client(base_url=base_url, login_uri="sandbox", username="admin", password="sandbox")
    smime = SMIME(client)
    out = {}

    out["organizations"] = [o["id"] for o in Organization(client).find("Sandbox Org")]
    out["types"] = [t["name"] for t in smime.types]
    out["customFields"] = [f["name"] for f in smime.custom_fields]

    def enroll(local):
        return smime.enroll(cert_type_name="ccm-mock S/MIME Standard", csr=csr, term=365, org_id=1001,
                            email=f"{local}@{domain}", first_name="Python", last_name="Requests")

    # +pending2: two collects answer -183 before the certificate
    order = enroll("py-rest+pending2")
    out["enroll"] = sorted(order.keys())
    pending = 0
    while True:
        try:
            pem = smime.collect(order["backendCertId"])
            break
        except PendingError:
            pending += 1
            if pending > 10:
                raise
    out["pendingErrors"] = pending
    out["collect"] = {"pkcs7": pem.startswith("-----BEGIN PKCS7-----"), "emails": subject_emails(pem)}

    smime.revoke(order["backendCertId"], reason="key compromise")
    try:
        smime.collect(order["backendCertId"])
        out["afterRevoke"] = "collected"
    except RevokedError as err:
        out["afterRevoke"] = {"raised": "RevokedError", "code": err.args[0]["code"]}
    except requests.exceptions.HTTPError as err:
        out["afterRevoke"] = {"raised": "HTTPError", "status": err.response.status_code,
                              "code": err.response.json()["code"]}

    second = enroll("py-rest-second")
    renewed = smime.renew(second["backendCertId"])
    out["renewed"] = renewed["backendCertId"] != second["backendCertId"]
    listed = list(smime.list(size=2))
    out["listed"] = {"count": len(listed), "unique": len({c["id"] for c in listed}),
                     "hasRevoked": any(c["backendCertId"] == order["backendCertId"] and c["state"] == "revoked"
                                       for c in listed)}
    out["byEmail"] = sorted(c["backendCertId"] for c in smime.list_by_email(f"py-rest-second@{domain}"))
    out["expectedByEmail"] = sorted([second["backendCertId"], renewed["backendCertId"]])
    smime.revoke_by_email(f"py-rest-second@{domain}", reason="left")
    out["afterRevokeByEmail"] = [c["state"] for c in smime.list_by_email(f"py-rest-second@{domain}")]

    person = Person(client)
    out["personFound"] = person.find_id(f"py-rest-second@{domain}") > 0
    made = person.create("New", "Person", f"py-rest-new@{domain}", 1001)
    out["personCreated"] = made == person.find_id(f"py-rest-new@{domain}")

    try:
        Client(base_url=base_url, login_uri="sandbox", username="admin", password="wrong").get(
            f"{base_url}/smime/v1/types")
        out["badLogin"] = None
    except requests.exceptions.HTTPError as err:
        out["badLogin"] = {"status": err.response.status_code, **err.response.json()}

    print(json.dumps(out))


if __name__ == "__main__":
    main()
