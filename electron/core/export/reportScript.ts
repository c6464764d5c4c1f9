// The report's only script: re-checks the bag in the recipient's browser with WebCrypto
// once they pick the bag folder. It runs offline (the page's CSP allows no connections),
// reads files the user chose, and compares them with manifest-sha256.txt and with the
// hash table embedded in the report itself. Plain ES2017, no modules, no dependencies.
export const REPORT_SCRIPT = `
(function () {
  'use strict';
  var MAX_BYTES = 1024 * 1024 * 1024;
  var data = JSON.parse(document.getElementById('bag-data').textContent);
  var input = document.getElementById('bag-folder');
  var button = document.getElementById('check-button');
  var status = document.getElementById('check-status');
  var list = document.getElementById('check-problems');

  function hex(buffer) {
    var bytes = new Uint8Array(buffer), out = '';
    for (var i = 0; i < bytes.length; i++) out += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
    return out;
  }
  function show(text, kind) {
    status.textContent = text;
    status.className = kind || '';
  }
  function problem(text) {
    var li = document.createElement('li');
    li.textContent = text;
    list.appendChild(li);
  }
  function parseManifest(text) {
    var map = {};
    text.split('\\n').forEach(function (line) {
      var m = /^([0-9a-fA-F]+)[ \\t]+\\*?(.+)$/.exec(line);
      if (m) map[m[2]] = m[1].toLowerCase();
    });
    return map;
  }
  async function sha256(file) {
    return hex(await crypto.subtle.digest('SHA-256', await file.arrayBuffer()));
  }
  function pemToDer(pem) {
    var b64 = pem.replace(/-----[^-]+-----/g, '').replace(/\\s+/g, '');
    var raw = atob(b64), bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }
  async function checkSignature(files, problems) {
    var sigFile = files['signature.json'], signed = files['tagmanifest-sha256.txt'];
    if (!sigFile || !signed) return 'not checked (signature.json or tagmanifest-sha256.txt missing)';
    var sig = JSON.parse(await sigFile.text());
    var der = pemToDer(sig.publicKeyPem);
    var fingerprint = hex(await crypto.subtle.digest('SHA-256', der));
    if (fingerprint !== data.signer.fingerprint) problems.push('signature.json names key ' + fingerprint + ', but this report was signed with key ' + data.signer.fingerprint + '.');
    var key;
    try {
      key = await crypto.subtle.importKey('spki', der, { name: 'Ed25519' }, false, ['verify']);
    } catch (e) {
      return 'not checked here: this browser cannot check Ed25519 signatures (use openssl, see README.txt)';
    }
    var raw = atob(sig.signature), bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    var ok = await crypto.subtle.verify({ name: 'Ed25519' }, key, bytes, await signed.arrayBuffer());
    if (!ok) problems.push('The signature in signature.json does not match tagmanifest-sha256.txt.');
    return ok ? 'valid (key SHA-256 ' + fingerprint + ')' : 'INVALID';
  }
  async function run() {
    list.textContent = '';
    var files = {};
    Array.prototype.forEach.call(input.files, function (f) {
      var rel = f.webkitRelativePath || f.name;
      var cut = rel.indexOf('/');
      files[cut >= 0 ? rel.slice(cut + 1) : rel] = f;
    });
    var problems = [];
    if (!files['manifest-sha256.txt'] || !files['bagit.txt']) {
      show('This is not the bag folder: choose the folder that holds bagit.txt and manifest-sha256.txt.', 'bad');
      return;
    }
    var manifest = parseManifest(await files['manifest-sha256.txt'].text());
    data.payload.forEach(function (p) {
      if (!(p.path in manifest)) problems.push(p.path + ' is in this report but not in manifest-sha256.txt.');
      else if (manifest[p.path] !== p.sha256) problems.push(p.path + ': manifest-sha256.txt says ' + manifest[p.path] + ', this report says ' + p.sha256 + '.');
    });
    var tags = files['tagmanifest-sha256.txt'] ? parseManifest(await files['tagmanifest-sha256.txt'].text()) : {};
    if (!files['tagmanifest-sha256.txt']) problems.push('tagmanifest-sha256.txt is missing.');
    var todo = Object.keys(manifest).concat(Object.keys(tags));
    var checked = 0, skipped = [];
    for (var i = 0; i < todo.length; i++) {
      var path = todo[i], expected = manifest[path] || tags[path], file = files[path];
      show('Checking ' + (i + 1) + ' of ' + todo.length + ': ' + path, '');
      if (!file) { problems.push(path + ' is missing.'); continue; }
      if (file.size > MAX_BYTES) { skipped.push(path); continue; }
      var actual = await sha256(file);
      if (actual !== expected) problems.push(path + ' has changed: its SHA-256 is ' + actual + ', expected ' + expected + '.');
      else checked++;
    }
    Object.keys(files).forEach(function (path) {
      if (path.indexOf('data/') === 0 && !(path in manifest)) problems.push(path + ' is in data/ but not in manifest-sha256.txt (an extra file).');
    });
    var signature = await checkSignature(files, problems);
    problems.forEach(problem);
    var tail = skipped.length ? ' ' + skipped.length + ' file(s) over 1 GiB were not checked here; use sha256sum -c (README.txt): ' + skipped.join(', ') + '.' : '';
    if (problems.length === 0) show('All ' + checked + ' files match their SHA-256. Signature: ' + signature + '.' + tail, skipped.length ? 'warn' : 'good');
    else show(problems.length + ' problem(s) found. Signature: ' + signature + '.' + tail, 'bad');
  }
  input.addEventListener('change', function () { button.disabled = input.files.length === 0; });
  button.addEventListener('click', function () {
    button.disabled = true;
    run().catch(function (e) { show('The check stopped: ' + e.message, 'bad'); }).then(function () { button.disabled = false; });
  });
  document.getElementById('check-js').hidden = false;
  document.getElementById('check-nojs').hidden = true;
})();
`
