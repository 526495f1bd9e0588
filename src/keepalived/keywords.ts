/**
 * Keywords keepalived 2.2.7 knows but chaos does not model (from `install_keyword*()` calls in
 * keepalived/core/global_parser.c and keepalived/vrrp/vrrp_parser.c). They are reported as
 * "not modelled" rather than "unknown": a real keepalived accepts them, our simulator ignores them.
 * Anything in neither these lists nor the handlers is an unknown keyword (keepalived:
 * "Unknown keyword 'x'").
 */

const words = (s: string): ReadonlySet<string> => new Set(s.trim().split(/\s+/));

/** Top-level blocks and keywords besides global_defs / vrrp_script / vrrp_instance / vrrp_sync_group. */
export const KNOWN_ROOT = words(`
  bfd_instance child_wait_time garp_group instance interface_up_down_delays linkbeat_interfaces
  linkbeat_use_polling namespace_with_ipsets net_namespace net_namespace_ipvs static_ipaddress
  static_routes static_rules track_file track_group use_pid_dir virtual_server
  virtual_server_group vrrp_track_file vrrp_track_process
`);

export const KNOWN_GLOBAL = words(`
  process_names process_name vrrp_process_name checker_process_name lvs_process_name
  bfd_process_name smtp_helo_name smtp_alert startup_script startup_script_timeout
  shutdown_script shutdown_script_timeout max_auto_priority min_auto_priority_delay
  smtp_alert_vrrp smtp_alert_checker checker_log_all_failures dynamic_interfaces no_email_faults
  default_interface disable_local_igmp lvs_timeouts lvs_flush lvs_flush_on_stop lvs_flush_onstop
  lvs_sync_daemon vrrp_mcast_group4 vrrp_mcast_group6 vrrp_garp_master_refresh_repeat
  vrrp_garp_lower_prio_delay vrrp_garp_lower_prio_repeat vrrp_down_timer_adverts
  vrrp_garp_interval vrrp_gna_interval vrrp_min_garp vrrp_garp_extra_if vrrp_vmac_garp_intvl
  vrrp_lower_prio_no_advert vrrp_higher_prio_send_advert vrrp_iptables vrrp_ipsets nftables
  nftables_priority nftables_ifindex nftables_ipvs nftables_ipvs_priority
  nftables_ipvs_start_fwmark nftables_counters vrrp_check_unicast_src vrrp_priority vrrp_no_swap
  vrrp_rt_priority vrrp_cpu_affinity vrrp_rlimit_rttime vrrp_rlimit_rtime notify_fifo
  notify_fifo_script vrrp_notify_fifo vrrp_notify_fifo_script vrrp_notify_priority_changes
  fifo_write_vrrp_states_on_reload lvs_notify_fifo lvs_notify_fifo_script checker_priority
  checker_no_swap checker_rt_priority checker_cpu_affinity checker_rlimit_rttime
  checker_rlimit_rtime bfd_priority bfd_no_swap bfd_rt_priority bfd_cpu_affinity
  bfd_rlimit_rttime bfd_rlimit_rtime snmp_socket enable_traps enable_snmp_vrrp
  enable_snmp_keepalived enable_snmp_rfc enable_snmp_rfcv2 enable_snmp_rfcv3 enable_snmp_checker
  enable_dbus dbus_service_name vrrp_netlink_cmd_rcv_bufs vrrp_netlink_cmd_rcv_bufs_force
  vrrp_netlink_monitor_rcv_bufs vrrp_netlink_monitor_rcv_bufs_force process_monitor_rcv_bufs
  process_monitor_rcv_bufs_force lvs_netlink_cmd_rcv_bufs lvs_netlink_cmd_rcv_bufs_force
  lvs_netlink_monitor_rcv_bufs lvs_netlink_monitor_rcv_bufs_force rs_init_notifies
  no_checker_emails vrrp_rx_bufs_policy vrrp_rx_bufs_multiplier vrrp_startup_delay
  log_unknown_vrids vmac_prefix vmac_addr_prefix umask random_seed reload_check_config
  reload_time_file reload_repeat reload_file config_save_dir tmp_config_directory
  data_use_instance
`);

export const KNOWN_INSTANCE = words(`
  use_vmac use_vmac_addr vmac_xmit_base use_ipvlan unicast_fault_no_peer check_unicast_src
  old_unicast_checksum native_ipv6 vrf track_file track_process track_bfd mcast_dst_ip
  track_src_ip unicast_ttl virtual_ipaddress_excluded promote_secondaries linkbeat_use_polling
  virtual_routes virtual_rules accept no_accept skip_check_adv_addr debug notify_deleted
  notify_master_rx_lower_pri notify_priority_changes lvs_sync_daemon_interface
  garp_master_refresh_repeat garp_lower_prio_delay garp_lower_prio_repeat down_timer_adverts
  garp_extra_if vmac_garp_intvl lower_prio_no_advert higher_prio_send_advert kernel_rx_buf_size
`);

export const KNOWN_SCRIPT = words('init_fail');

export const KNOWN_SYNC_GROUP = words(`
  track_interface track_script track_file track_process track_bfd notify_priority_changes
`);
