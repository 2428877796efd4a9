/*
 * cert_key: EC P-256 keys through OpenSSL 3's EVP API — generation, the
 * 0600 PKCS#8 PEM key file, ES256 signatures converted between OpenSSL's
 * DER and the raw r‖s that COSE and JWS carry, the RFC 7638 thumbprint,
 * the self-signed signer certificate and the DCC kid (see cert_key.h).
 */
#include "cert_key.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "b64url.h"

#define CERT_KEY_FILE_MAX    16384 /* a P-256 PKCS#8 PEM is ~240 bytes */
#define CERT_KEY_X509_MAX    16384 /* signer certificates are 0.5-2 KiB */
#define CERT_KEY_DER_SIG_MAX 80	   /* DER ECDSA-Sig-Value for P-256: <= 72 */

struct cert_key {
	EVP_PKEY *pkey;
	int priv;
};

/* Takes ownership of pkey; on failure frees it. */
static int cert_key_wrap(EVP_PKEY *pkey, int priv, struct cert_key **out)
{
	struct cert_key *k = calloc(1, sizeof(*k));
	if (!k) {
		EVP_PKEY_free(pkey);
		return VB_ENOMEM;
	}
	k->pkey = pkey;
	k->priv = priv;
	*out = k;
	return VB_OK;
}

/* 1 when pkey is an EC key on the named curve P-256. */
static int cert_key_is_p256(EVP_PKEY *pkey)
{
	char group[32];
	size_t glen = 0;
	if (!EVP_PKEY_is_a(pkey, "EC"))
		return 0;
	if (EVP_PKEY_get_group_name(pkey, group, sizeof(group), &glen) != 1)
		return 0;
	return strcmp(group, "prime256v1") == 0 || strcmp(group, "P-256") == 0;
}

int cert_key_generate(struct cert_key **out)
{
	if (!out)
		return VB_EINVAL;
	EVP_PKEY *pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	if (!pkey)
		return VB_EIO;
	return cert_key_wrap(pkey, 1, out);
}

/* Writes all of buf to fd, retrying short writes and EINTR. */
static int cert_key_write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return VB_EIO;
		buf += n;
		len -= (size_t)n;
	}
	return VB_OK;
}

int cert_key_save(const struct cert_key *k, const char *path)
{
	int rc = VB_OK;
	int fd = -1;
	char *pem = NULL;
	long pem_len;
	BIO *mem = NULL;

	if (!k || !path || !k->priv)
		return VB_EINVAL;
	/* The secure-memory BIO clears the PEM text when it is freed. */
	mem = BIO_new(BIO_s_secmem());
	if (!mem)
		return VB_ENOMEM;
	if (PEM_write_bio_PKCS8PrivateKey(mem, k->pkey, NULL, NULL, 0, NULL, NULL) != 1) {
		rc = VB_EIO;
		goto out;
	}
	pem_len = BIO_get_mem_data(mem, &pem);
	if (pem_len <= 0 || !pem) {
		rc = VB_EIO;
		goto out;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = errno == EEXIST ? VB_EEXIST : VB_EIO;
		goto out;
	}
	/* The umask may have taken bits away, never added any; set 0600
	 * exactly all the same. */
	if (fchmod(fd, 0600) != 0 || cert_key_write_all(fd, pem, (size_t)pem_len) != VB_OK ||
	    fsync(fd) != 0)
		rc = VB_EIO;
	if (close(fd) != 0)
		rc = VB_EIO;
	if (rc)
		unlink(path);
out:
	BIO_free(mem);
	return rc;
}

/* A passphrase callback that gives none: an encrypted key fails to load
 * instead of prompting on a terminal. */
static int cert_key_no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

int cert_key_load(const char *path, struct cert_key **out, struct vb_reason *why)
{
	int rc = VB_OK;
	int fd = -1;
	struct stat st;
	char *buf = NULL;
	size_t n = 0;
	BIO *bio = NULL;
	EVP_PKEY *pkey = NULL;

	if (!path || !out)
		return VB_EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? VB_ENOTFOUND : VB_EIO;
	if (fstat(fd, &st) != 0) {
		rc = VB_EIO;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		vb_reason_set(why, "key_file_type", "key file: not a regular file");
		rc = VB_EINVAL;
		goto out;
	}
	if (st.st_mode & 077) {
		vb_reason_set(why, "key_file_mode",
			      "key file: mode %03o lets group or others read it (want 0600)",
			      (unsigned)(st.st_mode & 0777));
		rc = VB_EINVAL;
		goto out;
	}
	if (st.st_size <= 0 || st.st_size > CERT_KEY_FILE_MAX) {
		vb_reason_set(why, "key_file_size", "key file: size %lld is not that of a key",
			      (long long)st.st_size);
		rc = VB_EINVAL;
		goto out;
	}
	buf = OPENSSL_secure_malloc(CERT_KEY_FILE_MAX);
	if (!buf) {
		rc = VB_ENOMEM;
		goto out;
	}
	while (n < CERT_KEY_FILE_MAX) {
		ssize_t r = read(fd, buf + n, CERT_KEY_FILE_MAX - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = VB_EIO;
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	bio = BIO_new_mem_buf(buf, (int)n);
	if (!bio) {
		rc = VB_ENOMEM;
		goto out;
	}
	pkey = PEM_read_bio_PrivateKey(bio, NULL, cert_key_no_passphrase, NULL);
	if (!pkey) {
		vb_reason_set(why, "key_unreadable",
			      "key file: not an unencrypted PEM private key");
		rc = VB_EINVAL;
		goto out;
	}
	if (!cert_key_is_p256(pkey)) {
		vb_reason_set(why, "key_not_p256", "key file: the key is not an EC P-256 key");
		rc = VB_EINVAL;
		goto out;
	}
	rc = cert_key_wrap(pkey, 1, out);
	pkey = NULL;
out:
	EVP_PKEY_free(pkey);
	BIO_free(bio);
	if (buf)
		OPENSSL_secure_clear_free(buf, CERT_KEY_FILE_MAX);
	close(fd);
	return rc;
}

int cert_key_from_xy(const uint8_t x[32], const uint8_t y[32], struct cert_key **out)
{
	int rc = VB_OK;
	static char group[] = "prime256v1";
	uint8_t point[65];
	EVP_PKEY_CTX *ctx = NULL, *check = NULL;
	EVP_PKEY *pkey = NULL;

	if (!x || !y || !out)
		return VB_EINVAL;
	/* SEC 1 uncompressed point: 04 || x || y. */
	point[0] = 0x04;
	memcpy(point + 1, x, 32);
	memcpy(point + 33, y, 32);
	OSSL_PARAM params[] = {
	    OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0),
	    OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point, sizeof(point)),
	    OSSL_PARAM_construct_end(),
	};
	ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	if (!ctx) {
		rc = VB_ENOMEM;
		goto out;
	}
	/* fromdata decodes the point, refusing coordinates >= p and points
	 * off the curve; the public check confirms it. */
	if (EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1) {
		rc = VB_EINVAL;
		goto out;
	}
	check = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
	if (!check) {
		rc = VB_ENOMEM;
		goto out;
	}
	if (EVP_PKEY_public_check(check) != 1) {
		rc = VB_EINVAL;
		goto out;
	}
	rc = cert_key_wrap(pkey, 0, out);
	pkey = NULL;
out:
	EVP_PKEY_free(pkey);
	EVP_PKEY_CTX_free(check);
	EVP_PKEY_CTX_free(ctx);
	return rc;
}

int cert_key_from_x509(const uint8_t *der, size_t len, struct cert_key **out, struct vb_reason *why)
{
	int rc = VB_OK;
	X509 *x = NULL;
	EVP_PKEY *pkey = NULL;
	const unsigned char *p = der;

	if (!der || !out)
		return VB_EINVAL;
	if (len == 0 || len > CERT_KEY_X509_MAX) {
		vb_reason_set(why, "x509_size", "certificate: %zu bytes (1..%d allowed)", len,
			      CERT_KEY_X509_MAX);
		return VB_EINVAL;
	}
	x = d2i_X509(NULL, &p, (long)len);
	if (!x || p != der + len) {
		vb_reason_set(why, "x509_malformed", "certificate: not one DER X.509 certificate");
		rc = VB_EINVAL;
		goto out;
	}
	pkey = X509_get_pubkey(x);
	if (!pkey || !cert_key_is_p256(pkey)) {
		vb_reason_set(why, "x509_not_p256",
			      "certificate: the public key is not an EC P-256 key");
		rc = VB_EINVAL;
		goto out;
	}
	rc = cert_key_wrap(pkey, 0, out);
	pkey = NULL;
out:
	EVP_PKEY_free(pkey);
	X509_free(x);
	return rc;
}

int cert_key_xy(const struct cert_key *k, uint8_t x[32], uint8_t y[32])
{
	int rc = VB_OK;
	BIGNUM *bx = NULL, *by = NULL;
	uint8_t tx[32], ty[32];

	if (!k || !x || !y)
		return VB_EINVAL;
	if (EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_EC_PUB_X, &bx) != 1 ||
	    EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_EC_PUB_Y, &by) != 1 ||
	    BN_bn2binpad(bx, tx, 32) != 32 || BN_bn2binpad(by, ty, 32) != 32) {
		rc = VB_EIO;
		goto out;
	}
	memcpy(x, tx, 32);
	memcpy(y, ty, 32);
out:
	BN_free(bx);
	BN_free(by);
	return rc;
}

int cert_key_is_private(const struct cert_key *k)
{
	return k && k->priv;
}

int cert_key_sign(const struct cert_key *k, const uint8_t *msg, size_t len, uint8_t sig[64])
{
	static const uint8_t empty[1];
	int rc = VB_OK;
	EVP_MD_CTX *md = NULL;
	uint8_t der[CERT_KEY_DER_SIG_MAX], raw[64];
	size_t der_len = sizeof(der);
	const unsigned char *p = der;
	ECDSA_SIG *es = NULL;
	const BIGNUM *r = NULL, *s = NULL;

	if (!k || !sig || (!msg && len > 0) || !k->priv)
		return VB_EINVAL;
	md = EVP_MD_CTX_new();
	if (!md)
		return VB_ENOMEM;
	if (EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, k->pkey) != 1 ||
	    EVP_DigestSign(md, der, &der_len, msg ? msg : empty, len) != 1) {
		rc = VB_EIO;
		goto out;
	}
	/* OpenSSL's DER ECDSA-Sig-Value → r‖s, each left-padded to 32. */
	es = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
	if (!es) {
		rc = VB_EIO;
		goto out;
	}
	ECDSA_SIG_get0(es, &r, &s);
	if (BN_bn2binpad(r, raw, 32) != 32 || BN_bn2binpad(s, raw + 32, 32) != 32) {
		rc = VB_EIO;
		goto out;
	}
	memcpy(sig, raw, sizeof(raw));
out:
	ECDSA_SIG_free(es);
	EVP_MD_CTX_free(md);
	return rc;
}

int cert_key_verify(const struct cert_key *k, const uint8_t *msg, size_t len, const uint8_t sig[64])
{
	static const uint8_t empty[1];
	int rc = VB_EREFUSED;
	EVP_MD_CTX *md = NULL;
	ECDSA_SIG *es = NULL;
	BIGNUM *r = NULL, *s = NULL;
	unsigned char *der = NULL;
	int der_len;

	if (!k || !sig || (!msg && len > 0))
		return VB_EREFUSED;
	/* r‖s → DER for OpenSSL; r or s of zero or >= n fail verification. */
	es = ECDSA_SIG_new();
	r = BN_bin2bn(sig, 32, NULL);
	s = BN_bin2bn(sig + 32, 32, NULL);
	if (!es || !r || !s || ECDSA_SIG_set0(es, r, s) != 1)
		goto out;
	r = s = NULL; /* owned by es now */
	der_len = i2d_ECDSA_SIG(es, &der);
	if (der_len <= 0)
		goto out;
	md = EVP_MD_CTX_new();
	if (!md)
		goto out;
	if (EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, k->pkey) == 1 &&
	    EVP_DigestVerify(md, der, (size_t)der_len, msg ? msg : empty, len) == 1)
		rc = VB_OK;
out:
	EVP_MD_CTX_free(md);
	OPENSSL_free(der);
	BN_free(r);
	BN_free(s);
	ECDSA_SIG_free(es);
	return rc;
}

int cert_key_thumbprint(const struct cert_key *k, char kid[CERT_KID_B64_MAX])
{
	uint8_t x[32], y[32], hash[32];
	char bx[CERT_KID_B64_MAX], by[CERT_KID_B64_MAX], out[CERT_KID_B64_MAX];
	char json[160];
	int rc, n;

	if (!k || !kid)
		return VB_EINVAL;
	rc = cert_key_xy(k, x, y);
	if (rc)
		return rc;
	if (b64url_encode(x, 32, bx, sizeof(bx)) != VB_OK ||
	    b64url_encode(y, 32, by, sizeof(by)) != VB_OK)
		return VB_EIO;
	/* RFC 7638 §3.2: the required members only, in lexicographic order,
	 * no whitespace. */
	n = snprintf(json, sizeof(json),
		     "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"%s\",\"y\":\"%s\"}", bx, by);
	if (n < 0 || (size_t)n >= sizeof(json))
		return VB_EIO;
	if (EVP_Digest(json, (size_t)n, hash, NULL, EVP_sha256(), NULL) != 1)
		return VB_EIO;
	if (b64url_encode(hash, sizeof(hash), out, sizeof(out)) != VB_OK)
		return VB_EIO;
	memcpy(kid, out, sizeof(out));
	return VB_OK;
}

/* Adds a v3 extension given in OpenSSL's configuration syntax. */
static int cert_key_add_ext(X509 *x, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	X509_EXTENSION *ext = X509V3_EXT_nconf_nid(NULL, &ctx, nid, value);
	if (!ext)
		return VB_EIO;
	int ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok == 1 ? VB_OK : VB_EIO;
}

int cert_key_x509(const struct cert_key *k, const char *country, const char *common_name,
		  int64_t not_before, int64_t not_after, uint8_t **der, size_t *len)
{
	int rc = VB_OK;
	X509 *x = NULL;
	X509_NAME *name = NULL;
	ASN1_TIME *nb = NULL, *na = NULL;
	BIGNUM *serial = NULL;
	uint8_t rnd[16];
	uint8_t *buf = NULL, *p;
	int n;

	if (!k || !k->priv || !country || !common_name || !der || !len)
		return VB_EINVAL;
	if (strlen(country) != 2 || country[0] < 'A' || country[0] > 'Z' || country[1] < 'A' ||
	    country[1] > 'Z' || common_name[0] == '\0' || not_before >= not_after)
		return VB_EINVAL;
	if ((int64_t)(time_t)not_before != not_before || (int64_t)(time_t)not_after != not_after)
		return VB_EINVAL;

	x = X509_new();
	name = X509_NAME_new();
	serial = BN_new();
	if (!x || !name || !serial) {
		rc = VB_ENOMEM;
		goto out;
	}
	/* Serial: 16 random bytes, top bit clear (positive) and the next
	 * set, so the DER INTEGER is always exactly 16 bytes. */
	if (RAND_bytes(rnd, sizeof(rnd)) != 1) {
		rc = VB_EIO;
		goto out;
	}
	rnd[0] = (uint8_t)((rnd[0] & 0x7f) | 0x40);
	if (!BN_bin2bn(rnd, sizeof(rnd), serial) ||
	    !BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(x)) ||
	    X509_set_version(x, X509_VERSION_3) != 1) {
		rc = VB_EIO;
		goto out;
	}
	/* C is a PrintableString; CN UTF-8, at most 64 characters (RFC 5280
	 * ub-common-name) — OpenSSL enforces the bound and the encoding. */
	if (X509_NAME_add_entry_by_txt(name, "C", MBSTRING_ASC, (const unsigned char *)country, -1,
				       -1, 0) != 1 ||
	    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
				       (const unsigned char *)common_name, -1, -1, 0) != 1) {
		rc = VB_EINVAL;
		goto out;
	}
	if (X509_set_subject_name(x, name) != 1 || X509_set_issuer_name(x, name) != 1) {
		rc = VB_EIO;
		goto out;
	}
	/* UTCTime through 2049, GeneralizedTime after (RFC 5280 4.1.2.5). */
	nb = ASN1_TIME_set(NULL, (time_t)not_before);
	na = ASN1_TIME_set(NULL, (time_t)not_after);
	if (!nb || !na) {
		rc = VB_EINVAL;
		goto out;
	}
	if (X509_set1_notBefore(x, nb) != 1 || X509_set1_notAfter(x, na) != 1 ||
	    X509_set_pubkey(x, k->pkey) != 1) {
		rc = VB_EIO;
		goto out;
	}
	rc = cert_key_add_ext(x, NID_key_usage, "critical,digitalSignature");
	if (!rc)
		rc = cert_key_add_ext(x, NID_subject_key_identifier, "hash");
	if (rc)
		goto out;
	if (X509_sign(x, k->pkey, EVP_sha256()) <= 0) {
		rc = VB_EIO;
		goto out;
	}
	n = i2d_X509(x, NULL);
	if (n <= 0) {
		rc = VB_EIO;
		goto out;
	}
	buf = malloc((size_t)n);
	if (!buf) {
		rc = VB_ENOMEM;
		goto out;
	}
	p = buf;
	if (i2d_X509(x, &p) != n) {
		free(buf);
		rc = VB_EIO;
		goto out;
	}
	*der = buf;
	*len = (size_t)n;
out:
	ASN1_TIME_free(nb);
	ASN1_TIME_free(na);
	BN_free(serial);
	X509_NAME_free(name);
	X509_free(x);
	return rc;
}

void cert_key_dcc_kid(const uint8_t *der, size_t len, uint8_t kid[8])
{
	uint8_t hash[32];
	if (!kid)
		return;
	if (!der || EVP_Digest(der, len, hash, NULL, EVP_sha256(), NULL) != 1)
		memset(hash, 0, sizeof(hash));
	memcpy(kid, hash, 8);
}

void cert_key_free(struct cert_key *k)
{
	if (!k)
		return;
	EVP_PKEY_free(k->pkey);
	free(k);
}
