/*
 * <srtp.h> as mediasoup 3.24 and later include it: the libsrtp 3.0.0-beta API
 * (versatica's fork) that the worker calls, on libsrtp 2 (>= 2.4; built in
 * with OpenSSL by build-worker.mjs, or Debian's package).
 *
 * What differs between the two APIs, as far as mediasoup uses them:
 *   - the policy is an opaque handle (srtp_policy_t is a pointer), made with
 *     srtp_policy_create() and filled with setters; libsrtp2 takes a struct
 *     (here renamed srtp2_policy_t) whose key is one key||salt buffer. The
 *     handle points at such a struct, so srtp_create() takes it unchanged;
 *   - srtp_protect/srtp_unprotect(_rtcp) take a separate output buffer and
 *     size_t lengths (plus an MKI index when protecting); libsrtp2 works in
 *     place with int lengths;
 *   - srtp_remove_stream is named srtp_stream_remove;
 *   - srtp_err_status_buffer_small and srtp_err_status_cryptex_err do not
 *     exist in libsrtp2 2.5.
 * srtp_init/create/dealloc/shutdown, srtp_ssrc_t, the profiles and their key
 * lengths, and the event handler are the same in both.
 *
 * mediasoup never sets an MKI, so libsrtp2 appends at most the auth tag
 * (SRTP_MAX_TAG_LEN) to RTP, and the tag plus the 4-byte E flag/index to RTCP.
 */
#ifndef PARLEY_SRTP3_ON_SRTP2_H
#define PARLEY_SRTP3_ON_SRTP2_H

/* libsrtp2's policy struct, under another name: srtp_policy_t is libsrtp 3's handle. */
#define srtp_policy_t srtp2_policy_t
#include <srtp2/srtp.h>
#undef srtp_policy_t

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

#define srtp_err_status_buffer_small ((srtp_err_status_t)28)
#define srtp_err_status_cryptex_err ((srtp_err_status_t)29)

/* Space libsrtp2 may append to a packet when no MKI is used. */
#define PARLEY_SRTP_RTP_GROWTH ((size_t)SRTP_MAX_TAG_LEN)
#define PARLEY_SRTP_RTCP_GROWTH ((size_t)SRTP_MAX_TAG_LEN + 4u)

/* ---- The opaque policy ---------------------------------------------------- */

/* The policy handle: libsrtp2's struct first (so the handle is a pointer to
 * it), then the key||salt buffer its `key` points at. */
typedef struct parley_srtp3_policy
{
	srtp2_policy_t policy;
	uint8_t key[SRTP_MAX_KEY_LEN];
} parley_srtp3_policy;

typedef srtp2_policy_t* srtp_policy_t;

static inline srtp_err_status_t srtp_policy_create(srtp_policy_t* policy)
{
	parley_srtp3_policy* p;

	if (!policy)
		return srtp_err_status_bad_param;

	p = (parley_srtp3_policy*)calloc(1, sizeof(*p));

	if (!p)
		return srtp_err_status_alloc_fail;

	p->policy.next = NULL;
	*policy        = &p->policy;

	return srtp_err_status_ok;
}

static inline void srtp_policy_destroy(srtp_policy_t policy)
{
	/* policy is the first member of its parley_srtp3_policy. */
	free((parley_srtp3_policy*)(void*)policy);
}

static inline srtp_err_status_t srtp_policy_set_ssrc(srtp_policy_t policy, srtp_ssrc_t ssrc)
{
	if (!policy)
		return srtp_err_status_bad_param;

	policy->ssrc = ssrc;

	return srtp_err_status_ok;
}

static inline srtp_err_status_t srtp_policy_set_profile(srtp_policy_t policy, srtp_profile_t profile)
{
	srtp_err_status_t err;

	if (!policy)
		return srtp_err_status_bad_param;

	err = srtp_crypto_policy_set_from_profile_for_rtp(&policy->rtp, profile);

	if (err != srtp_err_status_ok)
		return err;

	return srtp_crypto_policy_set_from_profile_for_rtcp(&policy->rtcp, profile);
}

/* libsrtp2 wants the master key and salt as one buffer, of the length the
 * profile's cipher takes (cipher_key_len, set by srtp_policy_set_profile). */
static inline srtp_err_status_t srtp_policy_add_key(
  srtp_policy_t policy,
  const uint8_t* key,
  size_t key_len,
  const uint8_t* salt,
  size_t salt_len,
  const uint8_t* mki,
  size_t mki_len)
{
	parley_srtp3_policy* p = (parley_srtp3_policy*)(void*)policy;

	if (!policy || !key || (salt_len && !salt))
		return srtp_err_status_bad_param;

	if (mki || mki_len) /* MKIs are not supported here (mediasoup sets none) */
		return srtp_err_status_bad_param;

	if (policy->key != NULL) /* a single key only */
		return srtp_err_status_bad_param;

	if (key_len + salt_len > sizeof(p->key) || (int)(key_len + salt_len) != policy->rtp.cipher_key_len)
		return srtp_err_status_bad_param;

	memcpy(p->key, key, key_len);

	if (salt_len)
		memcpy(p->key + key_len, salt, salt_len);

	policy->key = p->key;

	return srtp_err_status_ok;
}

static inline srtp_err_status_t srtp_policy_set_allow_repeat_tx(srtp_policy_t policy, bool allow)
{
	if (!policy)
		return srtp_err_status_bad_param;

	policy->allow_repeat_tx = allow ? 1 : 0;

	return srtp_err_status_ok;
}

static inline srtp_err_status_t srtp_policy_set_window_size(srtp_policy_t policy, size_t window_size)
{
	if (!policy)
		return srtp_err_status_bad_param;

	policy->window_size = (unsigned long)window_size;

	return srtp_err_status_ok;
}

/* ---- Protect and unprotect ------------------------------------------------ */

/*
 * Runs a libsrtp2 in-place transform on `out`, after moving `in_len` bytes of
 * `in` there. `*out_len` is the room in `out`; `growth` the most the transform
 * may add. On success *out_len is the transformed length.
 */
typedef srtp_err_status_t (*parley_srtp2_transform_t)(srtp_t, void*, int*);

static inline srtp_err_status_t parley_srtp_transform(
  parley_srtp2_transform_t transform,
  srtp_t ctx,
  const uint8_t* in,
  size_t in_len,
  uint8_t* out,
  size_t* out_len,
  size_t growth)
{
	int len;
	srtp_err_status_t err;

	if (!in || !out || !out_len || in_len > (size_t)0x7fffffff - growth)
		return srtp_err_status_bad_param;

	if (*out_len < in_len + growth)
		return srtp_err_status_buffer_small;

	if (out != in)
		memmove(out, in, in_len);

	len = (int)in_len;
	err = transform(ctx, out, &len);

	if (err == srtp_err_status_ok)
		*out_len = (size_t)len;

	return err;
}

/* The libsrtp 3 signatures. Defined before the macros below, so that the
 * names used inside them are still libsrtp2's functions. */

static inline srtp_err_status_t parley_srtp3_protect(
  srtp_t ctx, const uint8_t* rtp, size_t rtp_len, uint8_t* srtp, size_t* srtp_len, size_t mki_index)
{
	(void)mki_index; /* no MKI: always 0 in mediasoup */

	return parley_srtp_transform(
	  srtp_protect, ctx, rtp, rtp_len, srtp, srtp_len, PARLEY_SRTP_RTP_GROWTH);
}

static inline srtp_err_status_t parley_srtp3_unprotect(
  srtp_t ctx, const uint8_t* srtp, size_t srtp_len, uint8_t* rtp, size_t* rtp_len)
{
	return parley_srtp_transform(srtp_unprotect, ctx, srtp, srtp_len, rtp, rtp_len, 0);
}

static inline srtp_err_status_t parley_srtp3_protect_rtcp(
  srtp_t ctx, const uint8_t* rtcp, size_t rtcp_len, uint8_t* srtcp, size_t* srtcp_len, size_t mki_index)
{
	(void)mki_index;

	return parley_srtp_transform(
	  srtp_protect_rtcp, ctx, rtcp, rtcp_len, srtcp, srtcp_len, PARLEY_SRTP_RTCP_GROWTH);
}

static inline srtp_err_status_t parley_srtp3_unprotect_rtcp(
  srtp_t ctx, const uint8_t* srtcp, size_t srtcp_len, uint8_t* rtcp, size_t* rtcp_len)
{
	return parley_srtp_transform(srtp_unprotect_rtcp, ctx, srtcp, srtcp_len, rtcp, rtcp_len, 0);
}

/* libsrtp 3 renamed srtp_remove_stream; both take the SSRC in network order. */
static inline srtp_err_status_t srtp_stream_remove(srtp_t session, uint32_t ssrc)
{
	return srtp_remove_stream(session, ssrc);
}

#define srtp_protect parley_srtp3_protect
#define srtp_unprotect parley_srtp3_unprotect
#define srtp_protect_rtcp parley_srtp3_protect_rtcp
#define srtp_unprotect_rtcp parley_srtp3_unprotect_rtcp

#ifdef __cplusplus
}
#endif

#endif /* PARLEY_SRTP3_ON_SRTP2_H */
