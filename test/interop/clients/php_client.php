<?php
// Calls all nine EPKIManager operations with PHP's SoapClient, printing one JSON result.
// Usage: php php_client.php WSDL_URL CSR_FILE [FAULT_ENDPOINT]
ini_set('soap.wsdl_cache_enabled', '0');
[$_, $wsdl, $csrFile] = $argv;
$client = new SoapClient($wsdl, ['trace' => true, 'exceptions' => true, 'cache_wsdl' => WSDL_CACHE_NONE]);
$auth = ['login' => 'admin', 'password' => 'sandbox', 'customerLoginUri' => 'sandbox'];
$csr = file_get_contents($csrFile);
$out = [];

function serial_of(string $pkcs7b64): string {
    $tmp = tempnam(sys_get_temp_dir(), 'p7');
    file_put_contents($tmp, base64_decode($pkcs7b64));
    $pems = shell_exec('openssl pkcs7 -inform DER -print_certs -in ' . escapeshellarg($tmp));
    unlink($tmp);
    $leaf = explode('-----END CERTIFICATE-----', $pems)[0] . "-----END CERTIFICATE-----\n";
    $proc = proc_open(['openssl', 'x509', '-noout', '-serial'], [0 => ['pipe', 'r'], 1 => ['pipe', 'w']], $pipes);
    fwrite($pipes[0], $leaf);
    fclose($pipes[0]);
    $serial = trim(stream_get_contents($pipes[1]));
    proc_close($proc);
    return explode('=', $serial)[1];
}

$enrollArgs = fn(string $email) => ['authData' => $auth, 'orgId' => 1001, 'secretKey' => 'sandbox-secret',
    'username' => 'PHP User', 'email' => $email, 'csr' => $csr];

$out['getWebServiceInfo'] = $client->getWebServiceInfo([])->return;
$templates = $client->getKUTemplates(['authData' => $auth])->return;
$templates = is_array($templates) ? $templates : [$templates];
$out['getKUTemplates'] = array_map(fn($t) => $t->shortName, $templates);
$order = $client->enroll($enrollArgs('php@example.com'))->return;
$out['enroll'] = $order;
$order2 = $client->enrollUsingKUTemplates($enrollArgs('php-signer@example.com') + ['kuTemplate' => [['shortName' => 'smime-signing']]])->return;
$out['enrollUsingKUTemplates'] = $order2;
$out['getCollectStatus'] = $client->getCollectStatus(['authData' => $auth, 'orderNumber' => $order])->return;
$collected = $client->collect(['authData' => $auth, 'orderNumber' => $order])->return;
$out['collect'] = ['statusCode' => $collected->statusCode, 'hasCertificate' => !empty($collected->certificate)];
$out['revoke'] = $client->revoke(['authData' => $auth, 'orderNumber' => $order, 'reason' => 'key compromise'])->return;
$collected2 = $client->collect(['authData' => $auth, 'orderNumber' => $order2])->return;
$out['revokeBySerialNumber'] = $client->revokeBySerialNumber(['authData' => $auth, 'serialNumber' => serial_of($collected2->certificate), 'reason' => ''])->return;
$third = $client->enroll($enrollArgs('php-person@example.com'))->return;
$out['revokeAllByPerson'] = $client->revokeAllByPerson(['authData' => $auth, 'email' => 'php-person@example.com', 'org' => 'Sandbox Org', 'dep' => ''])->return;
$out['afterRevokeAll'] = $client->getCollectStatus(['authData' => $auth, 'orderNumber' => $third])->return;
$out['badAuth'] = $client->getCollectStatus(['authData' => ['password' => 'wrong'] + $auth, 'orderNumber' => $order])->return;

if (isset($argv[3])) {
    $client->__setLocation($argv[3]);
    try {
        $client->getWebServiceInfo([]);
        $out['fault'] = null;
    } catch (SoapFault $f) {
        $out['fault'] = ['code' => $f->faultcode, 'message' => $f->faultstring];
    }
}
echo json_encode($out), "\n";
