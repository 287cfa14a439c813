package ccmmock.metro;

import ccmmock.epki.AuthData;
import ccmmock.epki.EPKIManager;
import ccmmock.epki.EPKIService;
import ccmmock.epki.KUTemplate;
import ccmmock.epki.SMIMECollectResponse;
import com.sun.net.httpserver.HttpServer;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import javax.annotation.Resource;
import javax.jws.WebService;
import javax.xml.namespace.QName;
import javax.xml.ws.BindingProvider;
import javax.xml.ws.Endpoint;
import javax.xml.ws.WebServiceClient;
import javax.xml.ws.WebServiceContext;
import javax.xml.ws.handler.MessageContext;

/**
 * The reference endpoint of the differential suite (test/metro/): Metro serves the WSDL it was built from
 * with the JDK's HTTP server, so everything on the wire - reading the envelope, dispatch, JAXB unmarshalling,
 * faults, marshalling - is Metro's own. The business answer is not invented here: each call goes on, as
 * JAXB parsed it, to a ccm-mock (through the wsimport-generated client), so the reference answers what the
 * mock's domain answers for exactly what Metro understood. What JAXB parsed (nulls, defaults, wrapped
 * numbers) is echoed in the X-Oracle-Parsed response header.
 *
 * Usage: MetroOracle NEXT_ENDPOINT; prints "listening PORT VERSIONS" once it serves /ws/EPKIManager on 127.0.0.1.
 */
@WebService(endpointInterface = "ccmmock.epki.EPKIManager", wsdlLocation = "EPKIManager.wsdl")
public class MetroOracle implements EPKIManager {
  @Resource private WebServiceContext context;
  private final EPKIManager next;

  MetroOracle(EPKIManager next) {
    this.next = next;
  }

  private void parsed(Object... args) {
    StringBuilder out = new StringBuilder();
    describe(Arrays.asList(args), out);
    context.getMessageContext().put(MessageContext.HTTP_RESPONSE_HEADERS, Map.of("X-Oracle-Parsed", List.of(out.toString())));
  }

  /** JSON, ASCII only (it travels in a header); strings cut at 64 characters. */
  private static void describe(Object v, StringBuilder out) {
    if (v == null || v instanceof Number) {
      out.append(v);
    } else if (v instanceof String) {
      String s = (String) v;
      out.append('"');
      for (char c : s.substring(0, Math.min(s.length(), 64)).toCharArray()) {
        if (c == '"' || c == '\\') out.append('\\').append(c);
        else if (c < 0x20 || c > 0x7e) out.append(String.format("\\u%04x", (int) c));
        else out.append(c);
      }
      out.append(s.length() > 64 ? "...\"" : "\"");
    } else if (v instanceof List) {
      String sep = "";
      out.append('[');
      for (Object item : (List<?>) v) {
        out.append(sep);
        describe(item, out);
        sep = ",";
      }
      out.append(']');
    } else {
      String sep = "";
      out.append('{');
      for (Class<?> c = v.getClass(); c != Object.class; c = c.getSuperclass()) {
        for (Field f : c.getDeclaredFields()) {
          if (Modifier.isStatic(f.getModifiers())) continue;
          f.setAccessible(true);
          out.append(sep).append('"').append(f.getName()).append("\":");
          sep = ",";
          try {
            describe(f.get(v), out);
          } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
          }
        }
      }
      out.append('}');
    }
  }

  public Integer enroll(AuthData a, Integer orgId, String secretKey, String username, String email, String csr) {
    parsed(a, orgId, secretKey, username, email, csr);
    return next.enroll(a, orgId, secretKey, username, email, csr);
  }

  public Integer enrollUsingKUTemplates(
      AuthData a, Integer orgId, String secretKey, String username, String email, String csr, List<KUTemplate> t) {
    parsed(a, orgId, secretKey, username, email, csr, t);
    return next.enrollUsingKUTemplates(a, orgId, secretKey, username, email, csr, t);
  }

  public Integer getCollectStatus(AuthData a, Integer orderNumber) {
    parsed(a, orderNumber);
    return next.getCollectStatus(a, orderNumber);
  }

  public SMIMECollectResponse collect(AuthData a, Integer orderNumber) {
    parsed(a, orderNumber);
    return next.collect(a, orderNumber);
  }

  public Integer revoke(AuthData a, Integer orderNumber, String reason) {
    parsed(a, orderNumber, reason);
    return next.revoke(a, orderNumber, reason);
  }

  public Integer revokeBySerialNumber(AuthData a, String serialNumber, String reason) {
    parsed(a, serialNumber, reason);
    return next.revokeBySerialNumber(a, serialNumber, reason);
  }

  public Integer revokeAllByPerson(AuthData a, String email, String org, String dep) {
    parsed(a, email, org, dep);
    return next.revokeAllByPerson(a, email, org, dep);
  }

  public List<KUTemplate> getKUTemplates(AuthData a) {
    parsed(a);
    return next.getKUTemplates(a);
  }

  public String getWebServiceInfo() {
    parsed();
    return next.getWebServiceInfo();
  }

  public static void main(String[] args) throws Exception {
    String ns = EPKIService.class.getAnnotation(WebServiceClient.class).targetNamespace();
    EPKIManager next = new EPKIService(MetroOracle.class.getResource("/EPKIManager.wsdl")).getEPKIManagerPort();
    ((BindingProvider) next).getRequestContext().put(BindingProvider.ENDPOINT_ADDRESS_PROPERTY, args[0]);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(2));
    Endpoint endpoint = Endpoint.create(new MetroOracle(next));
    endpoint.setProperties(
        Map.of(
            Endpoint.WSDL_SERVICE, new QName(ns, "EPKIService"),
            Endpoint.WSDL_PORT, new QName(ns, "EPKIManagerPort")));
    endpoint.publish(server.createContext("/ws/EPKIManager"));
    server.start();
    // the port, then what runs: "listening 40123 JAX-WS RI 2.3.0.2 ...; Java 17.0.15"
    System.out.println(
        "listening " + server.getAddress().getPort() + " " + com.sun.xml.ws.util.RuntimeVersion.VERSION
            + "; Java " + System.getProperty("java.version"));
  }
}
