/* The license list (scr-LicensingActivate-E90): a grid of GridCells under a header row, as DNN's
 * own grids are built. ACTIVATED is a check-mark icon, the trash can is an icon in a plain div
 * with no text or name (as in DNN's Extensions and Pages grids), and [ renew ] is an <a> without
 * href. With no license, the empty state's two sentences. */
import React from "react";
import PropTypes from "prop-types";
import { GridCell, SvgIcons } from "@dnnsoftware/dnn-react-common";

const COLUMNS = [
  ["LicenseType.Header", 18],
  ["InvoiceNumber.Header", 20],
  ["WebServer.Header", 18],
  ["Activated.Header", 12],
  ["Expires.Header", 18],
  [null, 9],
  [null, 5],
];

export default function LicenseGrid(props) {
  const { text, licenses } = props;
  if (!licenses.length) {
    return (
      <div className="licensing-empty">
        <p className="empty-title">{text("NoLicense.Header")}</p>
        <p className="empty-hint">{text("NoLicense.Text")}</p>
      </div>
    );
  }
  return (
    <div className="license-grid">
      <div className="license-grid-header">
        {COLUMNS.map(([key, size], index) => (
          <GridCell key={index} columnSize={size}>
            {key ? text(key) : ""}
          </GridCell>
        ))}
      </div>
      {licenses.map((license) => (
        <div className="license-grid-row" key={license.id}>
          <GridCell columnSize={18}>{license.type}</GridCell>
          <GridCell columnSize={20}>{license.invoice}</GridCell>
          <GridCell columnSize={18}>{license.webServer}</GridCell>
          <GridCell columnSize={12} className="activated">
            {license.activated && <div className="check-mark" dangerouslySetInnerHTML={{ __html: SvgIcons.CheckMarkIcon }} />}
          </GridCell>
          <GridCell columnSize={18}>{license.expires}</GridCell>
          <GridCell columnSize={9}>
            <a className="renew-link" onClick={() => !props.busy && props.onRenew(license)}>
              {text("Renew")}
            </a>
          </GridCell>
          <GridCell columnSize={5}>
            <div
              className="license-action"
              onClick={() => !props.busy && props.onRemove(license)}
              dangerouslySetInnerHTML={{ __html: SvgIcons.TrashIcon }}
            />
          </GridCell>
        </div>
      ))}
    </div>
  );
}

LicenseGrid.propTypes = {
  text: PropTypes.func.isRequired,
  licenses: PropTypes.array.isRequired,
  busy: PropTypes.bool,
  onRemove: PropTypes.func.isRequired,
  onRenew: PropTypes.func.isRequired,
};
