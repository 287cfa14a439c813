"""Calls all nine EPKIManager operations with python-zeep (strict WSDL parsing), printing one JSON result.

Usage: zeep_client.py WSDL_URL CSR_FILE [FAULT_ENDPOINT]
With FAULT_ENDPOINT, calls getWebServiceInfo there (a mock with another namespace) and reports the fault.
The account comes from CCM_LOGIN, CCM_PASSWORD, CCM_CUSTOMER_URI, CCM_ORG_ID, CCM_SECRET_KEY, CCM_EMAIL_DOMAIN,
CCM_ORG_NAME and CCM_TEMPLATE (a KU/EKU template's short name), defaulting to the mock's sandbox account.
"""
import json
import os
import subprocess
import sys

from zeep import Client, Settings
from zeep.exceptions import Fault

wsdl, csr_file = sys.argv[1], sys.argv[2]
client = Client(wsdl, settings=Settings(strict=True, raw_response=False))
svc = client.service
env = os.environ.get
auth = {"login": env("CCM_LOGIN", "admin"), "password": env("CCM_PASSWORD", "sandbox"),
        "customerLoginUri": env("CCM_CUSTOMER_URI", "sandbox")}
org_id, secret_key = int(env("CCM_ORG_ID", "1001")), env("CCM_SECRET_KEY", "sandbox-secret")
domain, org_name, template = env("CCM_EMAIL_DOMAIN", "example.com"), env("CCM_ORG_NAME", "Sandbox Org"), env("CCM_TEMPLATE", "smime-signing")
csr = open(csr_file).read()
out = {}


def serial_of(certificate_b64):
    """The leaf's serial, from base64 DER of a PKCS#7 bundle (leaf first) or of the leaf alone."""
    import base64
    der = base64.b64decode(certificate_b64)
    pkcs7 = subprocess.run(["openssl", "pkcs7", "-inform", "DER", "-print_certs"], input=der, capture_output=True)
    if pkcs7.returncode == 0:
        leaf, form = pkcs7.stdout.split(b"-----END CERTIFICATE-----")[0] + b"-----END CERTIFICATE-----\n", "PEM"
    else:
        leaf, form = der, "DER"
    res = subprocess.run(["openssl", "x509", "-inform", form, "-noout", "-serial"], input=leaf, capture_output=True, check=True).stdout.decode()
    return res.strip().split("=")[1]


out["getWebServiceInfo"] = svc.getWebServiceInfo()
templates = svc.getKUTemplates(authData=auth)
out["getKUTemplates"] = [t.shortName for t in templates]
out["keyUsagesOfFirst"] = [[k.code, k.name] for k in templates[0].keyUsages]
order = svc.enroll(authData=auth, orgId=org_id, secretKey=secret_key, username="Zeep User", email="zeep@" + domain, csr=csr)
out["enroll"] = order
tpl_type = client.get_type("ns0:KUTemplate")
order2 = svc.enrollUsingKUTemplates(authData=auth, orgId=org_id, secretKey=secret_key, username="Zeep Signer",
                                    email="zeep-signer@" + domain, csr=csr, kuTemplate=[tpl_type(shortName=template)])
out["enrollUsingKUTemplates"] = order2
out["getCollectStatus"] = svc.getCollectStatus(authData=auth, orderNumber=order)
collected = svc.collect(authData=auth, orderNumber=order)
out["collect"] = {"statusCode": collected.statusCode, "hasCertificate": bool(collected.certificate)}
out["revoke"] = svc.revoke(authData=auth, orderNumber=order, reason="key compromise")
collected2 = svc.collect(authData=auth, orderNumber=order2)
out["revokeBySerialNumber"] = svc.revokeBySerialNumber(authData=auth, serialNumber=serial_of(collected2.certificate), reason="")
third = svc.enroll(authData=auth, orgId=org_id, secretKey=secret_key, username="Zeep Person", email="zeep-person@" + domain, csr=csr)
out["revokeAllByPerson"] = svc.revokeAllByPerson(authData=auth, email="zeep-person@" + domain, org=org_name, dep="")
out["afterRevokeAll"] = svc.getCollectStatus(authData=auth, orderNumber=third)
out["badAuth"] = svc.getCollectStatus(authData={**auth, "password": "wrong"}, orderNumber=order)

if len(sys.argv) > 3:
    svc2 = client.create_service(next(iter(client.wsdl.bindings)), sys.argv[3])
    try:
        svc2.getWebServiceInfo()
        out["fault"] = None
    except Fault as f:
        out["fault"] = {"code": f.code, "message": f.message}

print(json.dumps(out))
