/*
 * vrrpd_native.node: the kernel calls of a takeover (advert, VIP, gratuitous ARP), made from
 * chaos-vrrpd itself and at once, as keepalived makes them: no process to start or wake, and no
 * event-loop turn, between the decision and the packets. Built in the web image against Debian's Node 18 (N-API, no other library).
 *
 *   addAddress(ifindex, address, prefixLength)     RTM_NEWADDR, as `ip addr add A/P dev IF`
 *   deleteAddress(ifindex, address, prefixLength)  RTM_DELADDR, as `ip addr del A/P dev IF`
 *   sendFrame(ifindex, frame): number              one Ethernet frame on an AF_PACKET socket
 *   openIp(ifname): number                         a send-only raw IPv4 socket (IPPROTO_RAW: the
 *                                                  caller writes the IPv4 header) bound to IF
 *   sendIp(fd, dst, datagram): number              one whole IPv4 datagram to dst, now
 *   closeIp(fd)
 *
 * Errors are thrown as Error with `code` set to the errno name (EEXIST, EADDRNOTAVAIL, ...) and
 * the message strerror gives. The packet socket opens when the helper loads (protocol 0: it
 * receives nothing), the netlink socket on first use; they need CAP_NET_RAW and CAP_NET_ADMIN.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <netinet/in.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <node_api.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static int packet_fd = -1;
static int netlink_fd = -1;
static uint32_t netlink_seq = 0;

static const char *errno_name(int e) {
  switch (e) {
    case EEXIST: return "EEXIST";
    case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
    case ENODEV: return "ENODEV";
    case EPERM: return "EPERM";
    case EACCES: return "EACCES";
    case EINVAL: return "EINVAL";
    case ENETDOWN: return "ENETDOWN";
    case ENXIO: return "ENXIO";
    case EAGAIN: return "EAGAIN";
    default: return "ESYSCALL";
  }
}

static napi_value throw_errno(napi_env env, const char *what, int e) {
  char message[256];
  snprintf(message, sizeof message, "%s: %s", what, strerror(e));
  napi_throw_error(env, errno_name(e), message);
  return NULL;
}

/* The bytes a sendto sent, or its errno `e` thrown. */
static napi_value sent_result(napi_env env, ssize_t sent, int e, const char *what) {
  if (sent < 0) return throw_errno(env, what, e);
  napi_value result;
  napi_create_int64(env, (int64_t)sent, &result);
  return result;
}

static int int_arg(napi_env env, napi_value v, int32_t *out) {
  return napi_get_value_int32(env, v, out) == napi_ok;
}

static napi_value send_frame(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  int32_t ifindex = 0;
  void *data = NULL;
  size_t length = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2 ||
      !int_arg(env, argv[0], &ifindex) || ifindex <= 0) {
    napi_throw_type_error(env, NULL, "sendFrame(ifindex, frame): ifindex must be a positive integer");
    return NULL;
  }
  if (napi_get_buffer_info(env, argv[1], &data, &length) != napi_ok || length < 14) {
    napi_throw_type_error(env, NULL, "sendFrame(ifindex, frame): frame must be a Buffer of at least 14 bytes");
    return NULL;
  }
  if (packet_fd < 0) {
    packet_fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
    if (packet_fd < 0) return throw_errno(env, "socket(AF_PACKET, SOCK_RAW)", errno);
  }
  const uint8_t *bytes = data;
  struct sockaddr_ll to;
  memset(&to, 0, sizeof to);
  to.sll_family = AF_PACKET;
  to.sll_ifindex = ifindex;
  memcpy(&to.sll_protocol, bytes + 12, 2); /* the frame's EtherType, network byte order */
  to.sll_halen = 6;
  memcpy(to.sll_addr, bytes, 6);
  ssize_t sent = sendto(packet_fd, data, length, 0, (struct sockaddr *)&to, sizeof to);
  return sent_result(env, sent, errno, "sendto");
}

static napi_value open_ip(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  char ifname[64];
  size_t length = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      napi_get_value_string_utf8(env, argv[0], ifname, sizeof ifname, &length) != napi_ok ||
      length == 0 || length >= 16) {
    napi_throw_type_error(env, NULL, "openIp(ifname): an interface name");
    return NULL;
  }
  int fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
  if (fd < 0) return throw_errno(env, "socket(AF_INET, SOCK_RAW, IPPROTO_RAW)", errno);
  unsigned char loop = 0;
  if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)length + 1) < 0 ||
      setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof loop) < 0) {
    int e = errno;
    close(fd);
    char what[96];
    snprintf(what, sizeof what, "raw IPv4 socket on %s", ifname);
    return throw_errno(env, what, e);
  }
  napi_value result;
  napi_create_int32(env, fd, &result);
  return result;
}

static napi_value send_ip(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  int32_t fd = -1;
  char text[64];
  size_t length = 0;
  void *data = NULL;
  size_t size = 0;
  struct sockaddr_in to;
  memset(&to, 0, sizeof to);
  to.sin_family = AF_INET;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3 ||
      !int_arg(env, argv[0], &fd) || fd < 0 ||
      napi_get_value_string_utf8(env, argv[1], text, sizeof text, &length) != napi_ok ||
      inet_pton(AF_INET, text, &to.sin_addr) != 1 ||
      napi_get_buffer_info(env, argv[2], &data, &size) != napi_ok || size < 20) {
    napi_throw_type_error(env, NULL, "sendIp(fd, IPv4 destination, datagram of at least 20 bytes): bad arguments");
    return NULL;
  }
  ssize_t sent = sendto(fd, data, size, 0, (struct sockaddr *)&to, sizeof to);
  int e = errno; /* before snprintf can change it */
  char what[96];
  snprintf(what, sizeof what, "sendto %s", text);
  return sent_result(env, sent, e, what);
}

static napi_value close_ip(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t fd = -1;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) == napi_ok && argc >= 1 &&
      int_arg(env, argv[0], &fd) && fd >= 0)
    close(fd);
  napi_value undefined;
  napi_get_undefined(env, &undefined);
  return undefined;
}

static void add_attr(struct nlmsghdr *nh, int type, const void *value, int length) {
  struct rtattr *rta = (struct rtattr *)((char *)nh + NLMSG_ALIGN(nh->nlmsg_len));
  rta->rta_type = type;
  rta->rta_len = RTA_LENGTH(length);
  memcpy(RTA_DATA(rta), value, length);
  nh->nlmsg_len = NLMSG_ALIGN(nh->nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

/* One RTM_NEWADDR/RTM_DELADDR with NLM_F_ACK; returns 0 or a positive errno. */
static int change_address(int add, int ifindex, struct in_addr address, int prefix) {
  if (netlink_fd < 0) {
    netlink_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (netlink_fd < 0) return errno;
    struct timeval timeout = {2, 0};
    setsockopt(netlink_fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  }
  struct {
    struct nlmsghdr nh;
    struct ifaddrmsg ifa;
    char attributes[64];
  } req;
  memset(&req, 0, sizeof req);
  req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg));
  req.nh.nlmsg_type = add ? RTM_NEWADDR : RTM_DELADDR;
  req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (add ? NLM_F_CREATE | NLM_F_EXCL : 0);
  req.nh.nlmsg_seq = ++netlink_seq;
  req.ifa.ifa_family = AF_INET;
  req.ifa.ifa_prefixlen = (unsigned char)prefix;
  req.ifa.ifa_scope = RT_SCOPE_UNIVERSE;
  req.ifa.ifa_index = (unsigned)ifindex;
  /* As iproute2 does for an address without a peer: local and address alike. */
  add_attr(&req.nh, IFA_LOCAL, &address, 4);
  add_attr(&req.nh, IFA_ADDRESS, &address, 4);
  struct sockaddr_nl kernel;
  memset(&kernel, 0, sizeof kernel);
  kernel.nl_family = AF_NETLINK;
  if (sendto(netlink_fd, &req, req.nh.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0)
    return errno;
  char buffer[4096];
  for (;;) {
    ssize_t n = recv(netlink_fd, buffer, sizeof buffer, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    for (struct nlmsghdr *h = (struct nlmsghdr *)buffer; NLMSG_OK(h, (unsigned)n); h = NLMSG_NEXT(h, n)) {
      if (h->nlmsg_seq != req.nh.nlmsg_seq || h->nlmsg_type != NLMSG_ERROR) continue;
      const struct nlmsgerr *e = NLMSG_DATA(h);
      return e->error < 0 ? -e->error : 0;
    }
  }
}

static napi_value address_call(napi_env env, napi_callback_info info, int add) {
  size_t argc = 3;
  napi_value argv[3];
  int32_t ifindex = 0, prefix = 0;
  char text[64];
  size_t length = 0;
  struct in_addr address;
  const char *name = add ? "addAddress" : "deleteAddress";
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3 ||
      !int_arg(env, argv[0], &ifindex) || ifindex <= 0 ||
      napi_get_value_string_utf8(env, argv[1], text, sizeof text, &length) != napi_ok ||
      inet_pton(AF_INET, text, &address) != 1 || !int_arg(env, argv[2], &prefix) || prefix < 0 ||
      prefix > 32) {
    char message[128];
    snprintf(message, sizeof message, "%s(ifindex, IPv4 address, prefix length 0-32): bad arguments", name);
    napi_throw_type_error(env, NULL, message);
    return NULL;
  }
  int e = change_address(add, ifindex, address, prefix);
  if (e != 0) {
    char what[160];
    snprintf(what, sizeof what, "%s %s/%d on ifindex %d", add ? "add" : "delete", text, prefix, ifindex);
    return throw_errno(env, what, e);
  }
  napi_value undefined;
  napi_get_undefined(env, &undefined);
  return undefined;
}

static napi_value add_address(napi_env env, napi_callback_info info) { return address_call(env, info, 1); }
static napi_value delete_address(napi_env env, napi_callback_info info) { return address_call(env, info, 0); }

static napi_value init(napi_env env, napi_value exports) {
  /* Opened when the daemon loads the helper, not in the first takeover's path; sendFrame
     opens it if this fails (for instance without CAP_NET_RAW, reported then). */
  if (packet_fd < 0) packet_fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
  napi_property_descriptor functions[] = {
    {"sendFrame", NULL, send_frame, NULL, NULL, NULL, napi_default, NULL},
    {"addAddress", NULL, add_address, NULL, NULL, NULL, napi_default, NULL},
    {"deleteAddress", NULL, delete_address, NULL, NULL, NULL, napi_default, NULL},
    {"openIp", NULL, open_ip, NULL, NULL, NULL, napi_default, NULL},
    {"sendIp", NULL, send_ip, NULL, NULL, NULL, napi_default, NULL},
    {"closeIp", NULL, close_ip, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof functions / sizeof functions[0], functions);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
