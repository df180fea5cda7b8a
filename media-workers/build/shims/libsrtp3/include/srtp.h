/*
 * <srtp.h> as mediasoup 3.16 to 3.22 include it: the libsrtp 3.0.0-beta API
 * (versatica's fork) that the worker calls, on Debian's libsrtp2 (>= 2.4).
 *
 * What differs between the two APIs, as far as mediasoup uses them:
 *   - srtp_protect/srtp_unprotect(_rtcp) take a separate output buffer and
 *     size_t lengths (plus an MKI index when protecting); libsrtp2 works in
 *     place with int lengths;
 *   - srtp_err_status_buffer_small and srtp_err_status_cryptex_err do not
 *     exist in libsrtp2 2.5.
 * The policy struct (srtp_policy_t with rtp, rtcp, ssrc, key, window_size,
 * allow_repeat_tx, next), srtp_init/create/dealloc/shutdown, the crypto policy
 * setters and the event handler are the same in both.
 *
 * mediasoup 3.24 and later use libsrtp 3's opaque policy API
 * (srtp_policy_create...), which this header does not provide; the build
 * script refuses those versions before compiling.
 *
 * mediasoup never sets an MKI, so libsrtp2 appends at most the auth tag
 * (SRTP_MAX_TAG_LEN) to RTP, and the tag plus the 4-byte E flag/index to RTCP.
 */
#ifndef PARLEY_SRTP3_ON_SRTP2_H
#define PARLEY_SRTP3_ON_SRTP2_H

#include <srtp2/srtp.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

#define srtp_err_status_buffer_small ((srtp_err_status_t)28)
#define srtp_err_status_cryptex_err ((srtp_err_status_t)29)

/* Space libsrtp2 may append to a packet when no MKI is used. */
#define PARLEY_SRTP_RTP_GROWTH ((size_t)SRTP_MAX_TAG_LEN)
#define PARLEY_SRTP_RTCP_GROWTH ((size_t)SRTP_MAX_TAG_LEN + 4u)

/*
 * Runs a libsrtp2 in-place transform on `out`, after moving `in_len` bytes of
 * `in` there. `capacity` is the room in `out`; `growth` the most the transform
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
