import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockServer, type MockServer } from '../../server/mock-server.js';
import { rawPost } from '../support/http.js';
import { authXml, envelope, orderXml } from '../support/soap.js';

/**
 * The SOAP front end where Metro's reading order and its parser's words decide the answer. The texts are
 * Metro 2.3.0.2's, as test/metro (the differential suite, run by .ci/run) checks them against Metro itself;
 * these keep them in the core suite.
 */

let mock: MockServer;
beforeAll(async () => {
  mock = await createMockServer();
});
afterAll(() => mock.close());

const S11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const faultOf = async (body: string | Buffer, headers?: Record<string, string>) => {
  const a = await rawPost(mock.endpoint, body, headers);
  return { status: a.status, code: a.faultcode, string: a.text.match(/<faultstring>([^<]*)<\/faultstring>/s)?.[1] };
};

describe("Metro's reading order", () => {
  it('refused mustUnderstand headers are listed in java.util.HashSet order, before dispatch', async () => {
    const xml = `<s:Envelope xmlns:s="${S11}"><s:Header><h:A xmlns:h="urn:a" s:mustUnderstand="1"/><k:B xmlns:k="urn:b" s:mustUnderstand="true"/><k:C xmlns:k="urn:b" s:mustUnderstand="0"/></s:Header><s:Body><w:nope xmlns:w="urn:x"/></s:Body></s:Envelope>`;
    expect(await faultOf(xml)).toEqual({
      status: 500,
      code: 'S:MustUnderstand',
      string: 'MustUnderstand headers:[{urn:b}B, {urn:a}A] are not understood',
    });
  });

  it('dispatches on the first element of the Body before reading on', async () => {
    const xml = `<s:Envelope xmlns:s="${S11}"><s:Body><oops></s:Body></s:Envelope>`;
    expect(await faultOf(xml)).toMatchObject({ code: 'S:Client', string: 'Cannot find dispatch method for {}oops' });
  });

  it("an error inside the payload is JAXB's, with the parser's words and position", async () => {
    const xml = envelope('getCollectStatus', `${authXml()}<a></b>`).replace(/^<\?xml[^>]*>/, '');
    expect(await faultOf(xml)).toEqual({
      status: 500,
      code: 'S:Server',
      string:
        'javax.xml.bind.UnmarshalException\n - with linked exception:\n[com.ctc.wstx.exc.WstxParsingException: Unexpected close tag &lt;/b&gt;; expected &lt;/a&gt;.\n at [row,col {unknown-source}]: [1,273]]',
    });
  });

  it('what breaks after the payload of an operation with parameters is never read', async () => {
    const xml = envelope('getCollectStatus', orderXml(1)).replace('</soap-env:Body>', '<a></b></soap-env:Body>');
    const answer = await rawPost(mock.endpoint, xml);
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('<return>-2</return>');
  });

  it('an error before the root element ends is the message creation failing', async () => {
    expect(await faultOf('<a b="1" b="2"/>')).toMatchObject({
      code: 'S:Client',
      string:
        "Couldn't create SOAP message due to exception: XML reader error: com.ctc.wstx.exc.WstxParsingException: Duplicate attribute 'b'.\n at [row,col {unknown-source}]: [1,16]",
    });
  });
});

describe('charsets', () => {
  it('answers in the charset the request names, declared as Metro declares it', async () => {
    const answer = await rawPost(mock.endpoint, Buffer.from(envelope('getWebServiceInfo'), 'latin1'), {
      'content-type': 'text/xml; charset=iso-8859-1',
    });
    expect(answer.headers['content-type']).toBe('text/xml;charset=iso-8859-1');
    expect(answer.text.startsWith("<?xml version='1.0' encoding='ISO-8859-1'?>")).toBe(true);
  });

  it('without a charset, a byte that is not UTF-8 is refused as the parser refuses it', async () => {
    const body = Buffer.concat([Buffer.from('<a>'), Buffer.from([0xff]), Buffer.from('</a>')]);
    expect(await faultOf(body, { 'content-type': 'text/xml' })).toMatchObject({
      code: 'S:Client',
      string:
        "Couldn't create SOAP message due to exception: XML reader error: com.ctc.wstx.exc.WstxIOException: Invalid UTF-8 start byte 0xff (at char #4, byte #-1)",
    });
  });
});
