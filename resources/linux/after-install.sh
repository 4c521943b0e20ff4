#!/bin/sh
# Serial scanners/printers (/dev/ttyUSB*, /dev/ttyACM*) belong to the dialout group.
echo "Aggregated POS installed. Add the cashier's user to the 'dialout' group for serial scanners and printers: usermod -aG dialout <user>"
