"""Calls all nine EPKIManager operations with python-zeep (strict WSDL parsing), printing one JSON result.

Usage: zeep_client.py WSDL_URL CSR_FILE [FAULT_ENDPOINT]
With FAULT_ENDPOINT, calls getWebServiceInfo there (a mock with another namespace) and reports the fault.
"""
import json
import subprocess
import sys

from zeep import Client, Settings
from zeep.exceptions import Fault

wsdl, csr_file = sys.argv[1], sys.argv[2]
client = Client(wsdl, settings=Settings(strict=True, raw_response=False))
svc = client.service
auth = {"login": "admin", "password": "sandbox", "customerLoginUri": "sandbox"}
csr = open(csr_file).read()
out = {}


def serial_of(pkcs7_b64):
    import base64
    der = base64.b64decode(pkcs7_b64)
    pems = subprocess.run(["openssl", "pkcs7", "-inform", "DER", "-print_certs"], input=der, capture_output=True, check=True).stdout
    leaf = pems.split(b"-----END CERTIFICATE-----")[0] + b"-----END CERTIFICATE-----\n"
    res = subprocess.run(["openssl", "x509", "-noout", "-serial"], input=leaf, capture_output=True, check=True).stdout.decode()
    return res.strip().split("=")[1]


out["getWebServiceInfo"] = svc.getWebServiceInfo()
templates = svc.getKUTemplates(authData=auth)
out["getKUTemplates"] = [t.shortName for t in templates]
out["keyUsagesOfFirst"] = [[k.code, k.name] for k in templates[0].keyUsages]
order = svc.enroll(authData=auth, orgId=1001, secretKey="sandbox-secret", username="Zeep User", email="zeep@example.com", csr=csr)
out["enroll"] = order
tpl_type = client.get_type("ns0:KUTemplate")
order2 = svc.enrollUsingKUTemplates(authData=auth, orgId=1001, secretKey="sandbox-secret", username="Zeep Signer",
                                    email="zeep-signer@example.com", csr=csr, kuTemplate=[tpl_type(shortName="smime-signing")])
out["enrollUsingKUTemplates"] = order2
out["getCollectStatus"] = svc.getCollectStatus(authData=auth, orderNumber=order)
collected = svc.collect(authData=auth, orderNumber=order)
out["collect"] = {"statusCode": collected.statusCode, "hasCertificate": bool(collected.certificate)}
out["revoke"] = svc.revoke(authData=auth, orderNumber=order, reason="key compromise")
collected2 = svc.collect(authData=auth, orderNumber=order2)
out["revokeBySerialNumber"] = svc.revokeBySerialNumber(authData=auth, serialNumber=serial_of(collected2.certificate), reason="")
third = svc.enroll(authData=auth, orgId=1001, secretKey="sandbox-secret", username="Zeep Person", email="zeep-person@example.com", csr=csr)
out["revokeAllByPerson"] = svc.revokeAllByPerson(authData=auth, email="zeep-person@example.com", org="Sandbox Org", dep="")
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
