package ccmmock.interop;

import ccmmock.epki.AuthData;
import ccmmock.epki.EPKIManager;
import ccmmock.epki.EPKIService;
import ccmmock.epki.KUTemplate;
import ccmmock.epki.KeyUsage;
import ccmmock.epki.SMIMECollectResponse;
import java.io.ByteArrayInputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.xml.ws.BindingProvider;
import javax.xml.ws.soap.SOAPFaultException;

/**
 * Calls all nine EPKIManager operations through the wsimport-generated JAX-WS client (Metro, as a Java shop
 * integrates), printing one JSON result - the same fields as zeep_client.py and php_client.php.
 *
 * Usage: JavaClient WSDL_URL CSR_FILE [FAULT_ENDPOINT]
 * With FAULT_ENDPOINT, calls getWebServiceInfo there (a mock with another namespace) and reports the fault.
 */
public class JavaClient {
  private static String str(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') out.append('\\').append(c);
      else if (c < 0x20 || c > 0x7e) out.append(String.format("\\u%04x", (int) c));
      else out.append(c);
    }
    return out.append('"').toString();
  }

  /** The leaf's serial (hex) from collect's base64 DER PKCS#7: the certificate that is not a CA. */
  private static String serialOf(String pkcs7) throws Exception {
    byte[] der = Base64.getMimeDecoder().decode(pkcs7);
    for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(der))) {
      X509Certificate x = (X509Certificate) c;
      if (x.getBasicConstraints() < 0) return x.getSerialNumber().toString(16);
    }
    throw new IllegalStateException("no end-entity certificate in the PKCS#7");
  }

  public static void main(String[] args) throws Exception {
    EPKIManager svc = new EPKIService(new URL(args[0])).getEPKIManagerPort();
    String csr = new String(Files.readAllBytes(Path.of(args[1])), StandardCharsets.US_ASCII);
    AuthData auth = new AuthData();
    auth.setLogin("admin");
    auth.setPassword("sandbox");
    auth.setCustomerLoginUri("sandbox");
    List<String> out = new ArrayList<>();

    out.add("\"getWebServiceInfo\":" + str(svc.getWebServiceInfo()));
    List<KUTemplate> templates = svc.getKUTemplates(auth);
    List<String> names = new ArrayList<>();
    for (KUTemplate t : templates) names.add(str(t.getShortName()));
    out.add("\"getKUTemplates\":" + names);
    List<String> usages = new ArrayList<>();
    for (KeyUsage k : templates.get(0).getKeyUsages()) usages.add("[" + k.getCode() + "," + str(k.getName()) + "]");
    out.add("\"keyUsagesOfFirst\":" + usages);

    int order = svc.enroll(auth, 1001, "sandbox-secret", "Java User", "java@example.com", csr);
    out.add("\"enroll\":" + order);
    KUTemplate signing = new KUTemplate();
    signing.setShortName("smime-signing");
    int order2 =
        svc.enrollUsingKUTemplates(
            auth, 1001, "sandbox-secret", "Java Signer", "java-signer@example.com", csr, List.of(signing));
    out.add("\"enrollUsingKUTemplates\":" + order2);
    out.add("\"getCollectStatus\":" + svc.getCollectStatus(auth, order));
    SMIMECollectResponse collected = svc.collect(auth, order);
    out.add(
        "\"collect\":{\"statusCode\":" + collected.getStatusCode() + ",\"hasCertificate\":"
            + (collected.getCertificate() != null && !collected.getCertificate().isEmpty()) + "}");
    out.add("\"revoke\":" + svc.revoke(auth, order, "key compromise"));
    String serial = serialOf(svc.collect(auth, order2).getCertificate());
    out.add("\"revokeBySerialNumber\":" + svc.revokeBySerialNumber(auth, serial, ""));
    int third = svc.enroll(auth, 1001, "sandbox-secret", "Java Person", "java-person@example.com", csr);
    out.add("\"revokeAllByPerson\":" + svc.revokeAllByPerson(auth, "java-person@example.com", "Sandbox Org", ""));
    out.add("\"afterRevokeAll\":" + svc.getCollectStatus(auth, third));
    AuthData wrong = new AuthData();
    wrong.setLogin("admin");
    wrong.setPassword("wrong");
    wrong.setCustomerLoginUri("sandbox");
    out.add("\"badAuth\":" + svc.getCollectStatus(wrong, order));

    if (args.length > 2) {
      EPKIManager other = new EPKIService(new URL(args[0])).getEPKIManagerPort();
      ((BindingProvider) other).getRequestContext().put(BindingProvider.ENDPOINT_ADDRESS_PROPERTY, args[2]);
      try {
        other.getWebServiceInfo();
        out.add("\"fault\":null");
      } catch (SOAPFaultException e) {
        out.add(
            "\"fault\":{\"code\":" + str(e.getFault().getFaultCodeAsQName().getLocalPart()) + ",\"message\":"
                + str(e.getFault().getFaultString()) + "}");
      }
    }
    System.out.println("{" + String.join(",", out) + "}");
  }
}
