#!/bin/sh
# vrrp_script check_nginx (the seed's track script): fails while nginx is not running.
# The course's version restarts nginx once and else stops keepalived; the lab's kill-nginx
# scenario needs the pure check, so that the VIP moves while nginx is down.
pgrep -x nginx >/dev/null 2>&1
