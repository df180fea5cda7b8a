/*
 * <liburing.h> for mediasoup 3.19 on liburing 2.3: the system header, plus the
 * two calls mediasoup makes that first appeared in liburing 2.4. The PARLEY_*
 * macros come from this shim's meson.build (cc.has_function on the system header).
 */
#ifndef PARLEY_LIBURING_SHIM_H
#define PARLEY_LIBURING_SHIM_H

#include_next <liburing.h>

#if !PARLEY_HAVE_IO_URING_MAJOR_VERSION
static inline int io_uring_major_version(void)
{
	return PARLEY_LIBURING_MAJOR;
}

static inline int io_uring_minor_version(void)
{
	return PARLEY_LIBURING_MINOR;
}
#endif

#if !PARLEY_HAVE_IO_URING_PREP_SENDTO
/* Same as liburing 2.4's: a send with a destination address. */
static inline void io_uring_prep_sendto(
  struct io_uring_sqe* sqe,
  int sockfd,
  const void* buf,
  size_t len,
  int flags,
  const struct sockaddr* addr,
  socklen_t addrlen)
{
	io_uring_prep_send(sqe, sockfd, buf, len, flags);
	io_uring_prep_send_set_addr(sqe, addr, addrlen);
}
#endif

#endif /* PARLEY_LIBURING_SHIM_H */
