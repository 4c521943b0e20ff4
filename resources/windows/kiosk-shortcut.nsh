!macro customInstall
  CreateShortCut "$DESKTOP\Aggregated POS (kiosk).lnk" "$INSTDIR\${APP_EXECUTABLE_FILENAME}" "--kiosk"
!macroend
